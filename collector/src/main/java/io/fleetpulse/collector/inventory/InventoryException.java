package io.fleetpulse.collector.inventory;

/** The inventory file cannot be used; the message names the file, the device and the key. */
public final class InventoryException extends Exception {

  public InventoryException(String message) {
    super(message);
  }

  public InventoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
