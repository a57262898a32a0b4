package io.fleetpulse.collector.push;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all pushes together may hold: body bytes read but not yet committed to Kafka. A push
 * reserves each chunk before decoding it and gives the reservation back once its batch is committed or
 * the push ends; a chunk that does not fit is refused (503 + Retry-After), so a crowd of large pushes
 * costs a bounded amount of memory instead of whatever they bring. 0 = no budget.
 */
final class InFlightBudget {

  private final long limitBytes;
  private final AtomicLong used = new AtomicLong();

  InFlightBudget(long limitBytes) {
    if (limitBytes < 0) {
      throw new IllegalArgumentException("the in-flight budget must be 0 (none) or positive: " + limitBytes);
    }
    this.limitBytes = limitBytes;
  }

  /** Reserves {@code bytes} if they fit. */
  boolean tryReserve(long bytes) {
    if (limitBytes == 0) {
      used.addAndGet(bytes);
      return true;
    }
    long now;
    do {
      now = used.get();
      if (now + bytes > limitBytes) {
        return false;
      }
    } while (!used.compareAndSet(now, now + bytes));
    return true;
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Bytes reserved now. */
  long used() {
    return used.get();
  }

  long limit() {
    return limitBytes;
  }
}
