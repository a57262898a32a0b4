package io.fleetpulse.collector.push;

import io.fleetpulse.schemas.Topics;
import io.vertx.core.http.HttpConnection;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/** The device a verified client certificate names: its subject CN, which must be a device uuid. */
final class CertifiedDevice {

  private CertifiedDevice() {}

  /** The uuid in the peer certificate's CN, or null when there is no verified certificate or its CN is no uuid. */
  static String of(HttpConnection connection) {
    try {
      List<Certificate> chain = connection.peerCertificates();
      if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate certificate)) {
        return null;
      }
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType()) && Topics.isDeviceUuid(rdn.getValue().toString())) {
          return rdn.getValue().toString();
        }
      }
      return null;
    } catch (SSLPeerUnverifiedException | InvalidNameException e) {
      return null;
    }
  }
}
