package io.fleetpulse.launcher;

import io.fleetpulse.api.auth.ApiToken;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpulse token}: a new random API token and the configuration lines that accept it. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    header = "Make a new API bearer token and print the configuration that accepts it.",
    description = {"The token is shown once; only its SHA-256 goes into the configuration file.", ""})
final class TokenCommand implements Callable<Integer> {

  @Option(names = "--name", required = true, description = "Who or what holds the token (shown in 403 messages)")
  String name;

  @Option(names = "--role", defaultValue = "viewer", description = "viewer (read) or admin (default: ${DEFAULT-VALUE})")
  String role;

  @Override
  public Integer call() {
    if (!role.equals("viewer") && !role.equals("admin")) {
      System.err.println("fleetpulse token: --role must be viewer or admin");
      return 2;
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    System.out.println("Token (give it to " + name + "; it is not stored anywhere): " + token);
    System.out.println();
    System.out.println("Add to the configuration file:");
    System.out.println("api:");
    System.out.println("  tokens:");
    System.out.println("    - name: " + name);
    System.out.println("      role: " + role);
    System.out.println("      sha256: " + ApiToken.sha256Hex(token));
    return 0;
  }
}
