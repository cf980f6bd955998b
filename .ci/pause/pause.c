/*
 * The sandbox ("pause") process of every Pod on the cluster test tier's node (KubeCluster): it holds
 * the Pod's namespaces and does nothing else. Built statically by .ci/pause-image (gcc -static) and
 * packed as a one-layer image that containerd's sandbox_image names, since this machine reaches no
 * container registry. It reaps children it inherits and exits 0 on SIGINT or SIGTERM.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int signo) {
  (void)signo;
  _exit(0);
}

static void reap(int signo) {
  (void)signo;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("mirrorgate pause 1");
    return 0;
  }
  if (getpid() != 1) {
    fputs("pause: warning: not PID 1, children will not be reaped\n", stderr);
  }
  struct sigaction stopping = {.sa_handler = stop};
  struct sigaction reaping = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP};
  if (sigaction(SIGINT, &stopping, NULL) < 0 || sigaction(SIGTERM, &stopping, NULL) < 0 ||
      sigaction(SIGCHLD, &reaping, NULL) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  for (;;) {
    pause();
  }
}
