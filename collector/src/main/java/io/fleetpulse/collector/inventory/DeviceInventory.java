package io.fleetpulse.collector.inventory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The devices to tail, by uuid, in the order the inventory file lists them. */
public record DeviceInventory(Map<String, InventoryDevice> devices) {

  public static final DeviceInventory EMPTY = new DeviceInventory(Map.of());

  public DeviceInventory {
    devices = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(devices));
  }

  public static DeviceInventory of(List<InventoryDevice> devices) {
    Map<String, InventoryDevice> byUuid = new LinkedHashMap<>();
    devices.forEach(device -> byUuid.put(device.uuid(), device));
    return new DeviceInventory(byUuid);
  }
}
