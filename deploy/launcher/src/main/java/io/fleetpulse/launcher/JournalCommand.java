package io.fleetpulse.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleetpulse journal UUID}: a device's journal from a running API, as journalctl prints it, without SSH to the device. */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    header = "Print a device's journal from what fleetpulse keeps, as journalctl -o short-iso prints it (no SSH to the device).",
    description = {
        "Asks a running API (--api, or FLEETPULSE_API_URL; token from --token or FLEETPULSE_API_TOKEN, never printed) for the "
            + "device's kept journal lines: the newest -n, or those around an alert (--alert, from its 'journal' link) or a time "
            + "(--around), filtered as journalctl filters them (-u, -t, -p, -b, --grep). Times are UTC, as with TZ=UTC journalctl.",
        "",
        "Exit code: 0 with the lines printed, 1 when the API refused (the reason is printed), 2 when it could not be reached.",
        ""})
final class JournalCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "UUID", description = "The device")
  String uuid;

  @Option(names = "--api", description = "The API's base URL (default: FLEETPULSE_API_URL, else ${DEFAULT-VALUE})",
      defaultValue = "${env:FLEETPULSE_API_URL:-http://127.0.0.1:8080}")
  String api;

  @Option(names = "--token", description = "An API token (default: FLEETPULSE_API_TOKEN)", defaultValue = "${env:FLEETPULSE_API_TOKEN}")
  String token;

  @Option(names = "--alert", paramLabel = "ID", description = "The lines around this alert's first evidence line")
  String alert;

  @Option(names = "--around", paramLabel = "TIME", description = "The lines around this RFC 3339 time")
  String around;

  @Option(names = {"-n", "--lines"}, paramLabel = "N",
      description = "Lines: the newest N, or N before and N after an --alert or --around (default ${DEFAULT-VALUE})")
  int lines = 50;

  @Option(names = {"-u", "--unit"}, description = "As journalctl -u")
  String unit;

  @Option(names = {"-t", "--identifier"}, description = "As journalctl -t")
  String identifier;

  @Option(names = {"-p", "--priority"}, description = "As journalctl -p: 0-7 or emerg..debug")
  String priority;

  @Option(names = {"-b", "--boot"}, description = "As journalctl -b: a boot id, 0, -1, ... or 1, 2, ...")
  String boot;

  @Option(names = "--grep", description = "A case-insensitive substring of the message")
  String grep;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> query = new LinkedHashMap<>();
    if (alert != null || around != null) {
      query.put(alert != null ? "alert" : "around", alert != null ? alert : around);
      query.put("before", Integer.toString(lines));
      query.put("after", Integer.toString(lines));
    } else {
      query.put("limit", Integer.toString(lines));
    }
    putIfGiven(query, "unit", unit);
    putIfGiven(query, "identifier", identifier);
    putIfGiven(query, "priority", priority);
    putIfGiven(query, "boot", boot);
    putIfGiven(query, "grep", grep);
    String url = api.replaceAll("/+$", "") + "/api/v1/devices/" + URLEncoder.encode(uuid, StandardCharsets.UTF_8) + "/journal?"
        + query.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Accept", "text/plain");
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response;
    try {
      response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(request.build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      spec.commandLine().getErr().println("Cannot reach the API at " + api + ": " + e.getMessage() + ". Is fleetpulse running? Set --api or FLEETPULSE_API_URL.");
      return 2;
    }
    if (response.statusCode() != 200) {
      spec.commandLine().getErr().println("The API answered " + response.statusCode() + ": " + response.body().strip()
          + (response.statusCode() == 401 || response.statusCode() == 403 ? " (set --token or FLEETPULSE_API_TOKEN)" : ""));
      return 1;
    }
    spec.commandLine().getOut().print(response.body());
    spec.commandLine().getOut().flush();
    return 0;
  }

  private static void putIfGiven(Map<String, String> query, String name, String value) {
    if (value != null && !value.isEmpty()) {
      query.put(name, value);
    }
  }
}
