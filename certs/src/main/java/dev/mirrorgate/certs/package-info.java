/**
 * mirrorgate's own PKI, as pure values: a self-signed {@link
 * dev.mirrorgate.certs.CertificateAuthority} that issues TLS server leaves from a {@link
 * dev.mirrorgate.certs.LeafSpec}, the {@link dev.mirrorgate.certs.Pem} codec, {@link
 * dev.mirrorgate.certs.Fingerprints}, and the {@link dev.mirrorgate.certs.RenewalPolicy} and {@link
 * dev.mirrorgate.certs.CaBundle} that decide when to renew and whom to trust during a CA rotation.
 *
 * <p>Time comes in as a {@link java.time.Clock} (issuance) or an {@link java.time.Instant}
 * (decisions); nothing here reads the system clock, files, the network or the Kubernetes API.
 * Bouncy Castle builds and encodes; the JDK's providers generate keys, sign and parse, so no
 * security provider is registered and every key and certificate handed out is a plain JDK object.
 */
package dev.mirrorgate.certs;
