/**
 * The edge of the PKI that talks to Kubernetes: the {@link
 * dev.mirrorgate.certs.store.SecretCertificateStore} (one Secret shared by all replicas,
 * create-if-absent, resourceVersion updates, conflicts adopt), the {@link
 * dev.mirrorgate.certs.store.CaBundleInjector} (patches only the caBundle fields of one
 * MutatingWebhookConfiguration) and the {@link dev.mirrorgate.certs.store.SecretCertificateSource}
 * that runs them on a single-thread scheduler. What to do and when is decided by the pure {@link
 * dev.mirrorgate.certs.store.RotationPlanner} from the stored state and an injected clock; the
 * Secret layout is {@link dev.mirrorgate.certs.store.SecretFormat}. No Vert.x here.
 */
package dev.mirrorgate.certs.store;
