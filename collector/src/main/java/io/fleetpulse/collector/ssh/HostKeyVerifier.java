package io.fleetpulse.collector.ssh;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies every host key against an OpenSSH known_hosts file. A host that is not listed is refused
 * unless trust-on-first-use is configured, in which case its key is recorded in the file and required
 * from then on; a host whose key differs from the listed one is always refused. The verdict is kept
 * on the session so the device's state can say HOST_KEY_MISMATCH rather than a vague failure.
 */
final class HostKeyVerifier extends KnownHostsServerKeyVerifier {

  enum Verdict { KNOWN, TRUSTED_ON_FIRST_USE, UNKNOWN, CHANGED }

  static final AttributeKey<Verdict> VERDICT = new AttributeKey<>();
  /** Why a key was refused, for the device's status (fingerprints only: public, never secret). */
  static final AttributeKey<String> REFUSAL = new AttributeKey<>();

  private static final Logger log = LoggerFactory.getLogger(HostKeyVerifier.class);

  private final boolean trustOnFirstUse;

  HostKeyVerifier(Path knownHosts, boolean trustOnFirstUse) {
    super(RejectAllServerKeyVerifier.INSTANCE, knownHosts);
    this.trustOnFirstUse = trustOnFirstUse;
    setModifiedServerKeyAcceptor(this::refuseChangedKey);
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
    boolean accepted = super.verifyServerKey(session, remote, key);
    if (accepted && session.getAttribute(VERDICT) == null) {
      session.setAttribute(VERDICT, Verdict.KNOWN);
    }
    return accepted;
  }

  @Override
  protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
    if (!trustOnFirstUse) {
      session.setAttribute(VERDICT, Verdict.UNKNOWN);
      session.setAttribute(REFUSAL, "host key " + KeyUtils.getFingerPrint(key) + " is not in known_hosts");
      log.error("Host key of {} ({} {}) is not in {}: refusing to connect. Add the host's key to known_hosts "
          + "(or enable trust-on-first-use).", remote, KeyUtils.getKeyType(key), KeyUtils.getFingerPrint(key), getPath());
      return false;
    }
    try {
      updateKnownHostsFile(session, remote, key, getPath(), java.util.List.of());
    } catch (Exception e) {
      log.error("Cannot record the host key of {} in {} ({}): refusing to connect", remote, getPath(), e.getMessage());
      session.setAttribute(VERDICT, Verdict.UNKNOWN);
      return false;
    }
    session.setAttribute(VERDICT, Verdict.TRUSTED_ON_FIRST_USE);
    log.warn("Trusting {} on first use: recorded its {} key {} in {}", remote, KeyUtils.getKeyType(key), KeyUtils.getFingerPrint(key), getPath());
    return true;
  }

  private boolean refuseChangedKey(ClientSession session, SocketAddress remote, KnownHostEntry entry, PublicKey expected, PublicKey actual) {
    session.setAttribute(VERDICT, Verdict.CHANGED);
    session.setAttribute(REFUSAL, "host key changed: known_hosts has " + KeyUtils.getFingerPrint(expected) + ", the host presented "
        + KeyUtils.getFingerPrint(actual));
    log.error("HOST KEY MISMATCH for {}: known_hosts {} has {} {}, the host presented {} {}. Refusing to connect. "
            + "If the device was re-flashed, remove its old line from known_hosts; otherwise someone may be intercepting the connection.",
        remote, getPath(), KeyUtils.getKeyType(expected), KeyUtils.getFingerPrint(expected), KeyUtils.getKeyType(actual),
        KeyUtils.getFingerPrint(actual));
    return false;
  }
}
