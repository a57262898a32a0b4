package io.fleetpulse.streams.boots;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A device's fleet and its last two boots: the one running now and the one before it, whose end the reboot's reason is about.
 * {@code judged} says the reboot between them has had its DEVICE_REBOOT event; lines of the previous boot that arrive
 * late still add to it, so a boot judged never comes back as a new one.
 */
record DeviceBoots(String fleet, Boot previous, Boot current, boolean judged) {

  /** A compact binary layout (the store is written on every new boot and evidence line). */
  static Serde<DeviceBoots> serde() {
    return Serdes.serdeFrom((topic, boots) -> boots == null ? null : write(boots), (topic, bytes) -> bytes == null ? null : read(bytes));
  }

  private static byte[] write(DeviceBoots boots) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(boots.fleet);
      out.writeBoolean(boots.judged);
      out.writeBoolean(boots.previous != null);
      if (boots.previous != null) {
        write(boots.previous, out);
      }
      write(boots.current, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void write(Boot boot, DataOutputStream out) throws IOException {
    out.writeUTF(boot.bootId());
    out.writeLong(boot.startedAtMs());
    out.writeLong(boot.lastAtMs());
    out.writeLong(boot.lastMonoUs());
    out.writeInt(boot.evidence());
    out.writeLong(boot.underVoltageMonoUs());
    out.writeLong(boot.firstSeenMs());
    out.writeUTF(boot.endingLine());
    out.writeUTF(boot.startingLine());
  }

  private static DeviceBoots read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      String fleet = in.readUTF();
      boolean judged = in.readBoolean();
      Boot previous = in.readBoolean() ? read(in) : null;
      return new DeviceBoots(fleet, previous, read(in), judged);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable device-boots record", e);
    }
  }

  private static Boot read(DataInputStream in) throws IOException {
    return new Boot(in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readInt(), in.readLong(), in.readLong(),
        in.readUTF(), in.readUTF());
  }
}
