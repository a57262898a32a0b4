package io.fleetpulse.api.notify;

import io.fleetpulse.schemas.Alert;
import java.util.Optional;

/** What operators keep the notifiers from sending (the silences and acknowledgements of {@code SilenceBook}). */
@FunctionalInterface
public interface Muting {

  Muting NONE = alert -> Optional.empty();

  /** Why {@code alert} must not be sent now (for the log), or empty when it may. */
  Optional<String> mutes(Alert alert);
}
