package io.fleetpulse.collector.push;

/**
 * HTTPS for the push endpoints: the server's certificate and key (PEM), and optionally the CA that
 * signs device certificates. With a client CA every device must present a certificate whose subject
 * CN is its uuid (mTLS), and may push only as that device.
 */
public record PushTls(String certPath, String keyPath, String clientCaPath) {

  public PushTls {
    if (certPath == null || certPath.isBlank() || keyPath == null || keyPath.isBlank()) {
      throw new IllegalArgumentException("HTTPS needs both a certificate and a key (PEM files)");
    }
  }

  public boolean requiresClientCertificates() {
    return clientCaPath != null && !clientCaPath.isBlank();
  }
}
