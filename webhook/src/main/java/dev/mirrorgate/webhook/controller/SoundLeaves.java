package dev.mirrorgate.webhook.controller;

import dev.mirrorgate.certs.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The serving leaves this controller issued or has verified, one per owner: a digest of the stored
 * {@code tls.crt}, {@code tls.key} and the CA's certificate. A leaf whose digest is known is not
 * verified again on every reconcile (its CA signature and its key match are an ECDSA verification
 * and a signature each: the largest part of a mirror's reconcile CPU); names and renewal are still
 * checked each time. Any change of the Secret or of the CA changes the digest, and the leaf is
 * verified again.
 */
final class SoundLeaves {
  private final Map<String, byte[]> byOwner = new ConcurrentHashMap<>();

  boolean contains(
      String owner, String certificateChainPem, String keyPem, CertificateAuthority ca) {
    byte[] known = byOwner.get(owner);
    return known != null && Arrays.equals(known, digest(certificateChainPem, keyPem, ca));
  }

  void add(String owner, String certificateChainPem, String keyPem, CertificateAuthority ca) {
    byOwner.put(owner, digest(certificateChainPem, keyPem, ca));
  }

  void remove(String owner) {
    byOwner.remove(owner);
  }

  private static byte[] digest(String certificateChainPem, String keyPem, CertificateAuthority ca) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(certificateChainPem.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(keyPem.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(ca.certificate().getEncoded());
      return sha.digest();
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
