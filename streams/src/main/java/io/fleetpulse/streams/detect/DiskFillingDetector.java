package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DISK_FILLING per mount: less than the minimum free share now, or full within the horizon by the
 * least-squares trend of used bytes over the trend window. Flat or shrinking usage never alerts on
 * the trend; full within the critical horizon is critical.
 */
public final class DiskFillingDetector implements Detector {

  /** A trend needs this many samples spread over this long, or a single burst would extrapolate. */
  static final int MIN_SAMPLES = 3;
  static final Duration MIN_SPAN = Duration.ofMinutes(10);

  private final DetectionSettings settings;

  public DiskFillingDetector(DetectionSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<Finding> evaluate(List<DeviceEvent> recent, Instant now) {
    Map<String, List<DeviceEvent>> byMount = new LinkedHashMap<>();
    for (DeviceEvent sample : RecentEvents.of(recent, EventKind.DISK_SAMPLE, now, settings.diskTrendWindow())) {
      byMount.computeIfAbsent(sample.getDetails().get("mount"), m -> new ArrayList<>()).add(sample);
    }
    List<Finding> findings = new ArrayList<>();
    byMount.forEach((mount, samples) -> evaluateMount(mount, samples).ifPresent(findings::add));
    return findings;
  }

  private Optional<Finding> evaluateMount(String mount, List<DeviceEvent> samples) {
    DeviceEvent last = samples.get(samples.size() - 1);
    long size = Long.parseLong(last.getDetails().get("sizeBytes"));
    long avail = Long.parseLong(last.getDetails().get("availBytes"));
    double freeShare = size > 0 ? (double) avail / size : 1.0;
    List<String> evidence = List.of(last.getSummary());
    if (freeShare < settings.diskMinFreeFraction()) {
      return Optional.of(new Finding(AlertKind.DISK_FILLING, mount, Severity.warning, null,
          String.format("Low disk space on %s: (df reports %.0f%% free)", mount, freeShare * 100), Hints.DISK, evidence, last.getAt()));
    }
    Duration span = Duration.between(samples.get(0).getAt(), last.getAt());
    if (samples.size() < MIN_SAMPLES || span.compareTo(MIN_SPAN) < 0) {
      return Optional.empty();
    }
    double bytesPerSecond = slope(samples);
    if (bytesPerSecond <= 0) {
      return Optional.empty();
    }
    Duration toFull = Duration.ofSeconds((long) Math.min(avail / bytesPerSecond, Long.MAX_VALUE / 2e9));
    if (toFull.compareTo(settings.diskFullHorizon()) >= 0) {
      return Optional.empty();
    }
    Severity severity = toFull.compareTo(settings.diskCriticalHorizon()) < 0 ? Severity.critical : Severity.warning;
    String summary = String.format("%s is filling up: full in about %dh%02dm at %.1f MB/h (%.0f%% free)",
        mount, toFull.toHours(), toFull.toMinutesPart(), bytesPerSecond * 3600 / 1e6, freeShare * 100);
    return Optional.of(new Finding(AlertKind.DISK_FILLING, mount, severity, null, summary, Hints.DISK, evidence,
        samples.get(0).getAt()));
  }

  /** Least-squares slope of used bytes over time, in bytes per second. */
  static double slope(List<DeviceEvent> samples) {
    double t0 = samples.get(0).getAt().toEpochMilli() / 1000.0;
    double n = samples.size();
    double sumT = 0;
    double sumU = 0;
    double sumTT = 0;
    double sumTU = 0;
    for (DeviceEvent s : samples) {
      double t = s.getAt().toEpochMilli() / 1000.0 - t0;
      double used = Double.parseDouble(s.getDetails().get("usedBytes"));
      sumT += t;
      sumU += used;
      sumTT += t * t;
      sumTU += t * used;
    }
    double denominator = n * sumTT - sumT * sumT;
    return denominator == 0 ? 0 : (n * sumTU - sumT * sumU) / denominator;
  }
}
