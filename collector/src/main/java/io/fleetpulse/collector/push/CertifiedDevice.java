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

/**
 * The device a verified client certificate names: its subject CN, which must be a device uuid, and
 * the fleet it is registered in, its OU when there is one (null otherwise).
 */
record CertifiedDevice(String uuid, String fleet) {

  /** The device in the peer certificate, or null when there is no verified certificate or its CN is no uuid. */
  static CertifiedDevice of(HttpConnection connection) {
    try {
      List<Certificate> chain = connection.peerCertificates();
      if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate certificate)) {
        return null;
      }
      String uuid = null;
      String fleet = null;
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        String value = rdn.getValue().toString();
        if ("CN".equalsIgnoreCase(rdn.getType()) && Topics.isDeviceUuid(value)) {
          uuid = value;
        } else if ("OU".equalsIgnoreCase(rdn.getType())) {
          fleet = value;
        }
      }
      return uuid == null ? null : new CertifiedDevice(uuid, fleet);
    } catch (SSLPeerUnverifiedException | InvalidNameException e) {
      return null;
    }
  }
}
