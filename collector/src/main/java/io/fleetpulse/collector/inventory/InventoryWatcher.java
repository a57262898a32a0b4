package io.fleetpulse.collector.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload: re-reads the inventory file every interval and hands a changed, valid inventory to its
 * listener. The content is compared rather than the modification time, whose resolution is too
 * coarse for quick successive edits. A broken file is reported and ignored: the devices of the last
 * good inventory keep being tailed.
 */
public final class InventoryWatcher {

  private static final Logger log = LoggerFactory.getLogger(InventoryWatcher.class);

  private final Path file;
  private final InventoryParser parser = new InventoryParser();
  private final Consumer<DeviceInventory> listener;
  private byte[] lastContent;

  public InventoryWatcher(Path file, Consumer<DeviceInventory> listener) {
    this.file = file;
    this.listener = listener;
  }

  /** Reads the file now; a broken inventory at start-up is an error the operator must fix. */
  public DeviceInventory loadInitial() throws InventoryException {
    try {
      lastContent = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InventoryException("Cannot read inventory " + file + ": " + e.getMessage(), e);
    }
    return parser.parse(file, lastContent);
  }

  public void watch(ScheduledExecutorService timer, Duration interval) {
    timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check() {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      log.error("Cannot read inventory {} ({}); keeping the previous inventory", file, e.getMessage());
      return;
    }
    if (Arrays.equals(content, lastContent)) {
      return;
    }
    lastContent = content;
    try {
      DeviceInventory inventory = parser.parse(file, content);
      log.info("Inventory {} changed: {} devices", file, inventory.devices().size());
      listener.accept(inventory);
    } catch (InventoryException e) {
      log.error("{}; keeping the previous inventory", e.getMessage());
    } catch (RuntimeException e) {
      log.error("Applying the changed inventory {} failed", file, e);
    }
  }
}
