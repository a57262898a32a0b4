package io.fleetpulse.collector.ssh;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Bounds how many SSH handshakes are under way at once, without holding a thread per handshake. Thousands
 * of devices start (or come back after a proxy restart) together; opened all at once their key exchanges
 * would crowd out the sessions already streaming, and an SSH proxy refuses connections beyond its limit of
 * unauthenticated ones (OpenSSH's {@code MaxStartups}).
 */
final class HandshakeSlots {

  private final int slots;
  /** Runs a waiting handshake when a slot frees up (not the releasing thread: that would nest handshake in handshake). */
  private final Executor starter;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int inUse;

  HandshakeSlots(int slots, Executor starter) {
    this.slots = slots;
    this.starter = starter;
  }

  /** Runs {@code handshake} now if a slot is free, else once one is; it must {@link #release()} its slot when done. */
  void acquire(Runnable handshake) {
    synchronized (this) {
      if (inUse >= slots) {
        waiting.add(handshake);
        return;
      }
      inUse++;
    }
    handshake.run();
  }

  void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inUse--;
        return;
      }
    }
    starter.execute(next);
  }
}
