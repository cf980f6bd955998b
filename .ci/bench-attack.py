"""The attacks of issue 9, run against the webhook while .ci/bench-load measures it.

Usage: python3 .ci/bench-attack.py PORT SECONDS
For SECONDS, from loopback addresses other than 127.0.0.1 (so the benchmark's own client keeps its
per-client share): 256 idle TLS connections held open and replaced when the server closes them, 8
connections trickling a header byte a second, two 6.5 MB reviews posted at once in a loop, and
reviews nested 600 and 5,000 levels deep. Prints what the attacks got back, one line.
"""
import json
import socket
import ssl
import sys
import threading
import time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
deadline = time.time() + seconds
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
counts = {}
lock = threading.Lock()


def count(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1


def connect(source, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    return ctx.wrap_socket(s, server_hostname="localhost")


def post(source, body):
    head = b"POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    try:
        with connect(source) as s:
            s.sendall(head + body)
            status = s.recv(64).split(b" ")[1].decode()
            count("status " + status)
    except Exception as e:
        count(type(e).__name__)


def idle(index):
    source = "127.0.9.%d" % (1 + index % 4)
    while time.time() < deadline:
        try:
            s = connect(source)
            s.settimeout(max(0.1, deadline - time.time()))
            s.recv(1)  # returns when the server closes it (idle deadline) or at the end
            count("idle closed by server")
        except socket.timeout:
            return
        except Exception:
            count("idle refused")
            time.sleep(0.5)


def trickle(index):
    while time.time() < deadline:
        try:
            s = connect("127.0.10.1")
            s.sendall(b"GET /livez HTTP/1.1\r\n")
            while time.time() < deadline:
                s.sendall(b"X")
                time.sleep(1)
        except Exception:
            count("trickle closed by server")


def review(pad, depth=0):
    labels = {"a": json.loads("[" * depth + "]" * depth)} if depth else {}
    doc = {"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
           "request": {"uid": "attack", "resource": {"resource": "pods"}, "operation": "UPDATE",
                       "object": {"metadata": {"name": "p", "labels": labels},
                                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
                       "oldObject": {"metadata": {"annotations": {"pad": "x" * pad}}}}}
    return json.dumps(doc).encode()


def bodies(index):
    body = review(6_500_000)
    while time.time() < deadline:
        post("127.0.11.%d" % (index + 1), body)


def nesting():
    deep = [("[" * 600 + "]" * 600), ("[" * 5000 + "]" * 5000)]
    while time.time() < deadline:
        for d in deep:
            body = ('{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"n",'
                    '"object":{"metadata":{"labels":{"a":%s}}}}}' % d).encode()
            post("127.0.12.1", body)
        time.sleep(0.2)


sys.setrecursionlimit(20000)
threads = [threading.Thread(target=idle, args=(i,)) for i in range(256)]
threads += [threading.Thread(target=trickle, args=(i,)) for i in range(8)]
threads += [threading.Thread(target=bodies, args=(i,)) for i in range(2)]
threads += [threading.Thread(target=nesting)]
for t in threads:
    t.daemon = True
    t.start()
time.sleep(max(0, deadline - time.time()) + 1)
print("attacks: " + ", ".join("%s: %d" % kv for kv in sorted(counts.items())))
