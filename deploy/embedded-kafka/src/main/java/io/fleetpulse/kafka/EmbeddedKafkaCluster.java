package io.fleetpulse.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * Several {@link EmbeddedKafkaBroker} nodes forming one KRaft cluster on loopback, each a combined
 * broker + controller voting in the quorum: what a small production cluster looks like (three nodes,
 * internal topics replicated three times, {@code min.insync.replicas} 2), in one JVM, for tests and for
 * trying fleetpulse against replication. Each node keeps its ports and data when it is closed and started
 * again ({@link #node}), so a node can be taken away and brought back as a lost broker would be.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  private final List<EmbeddedKafkaBroker> nodes;

  /** {@code size} nodes under {@code dataDir/node-<id>}, on free loopback ports chosen now. */
  public static EmbeddedKafkaCluster of(Path dataDir, int size) {
    Set<Integer> taken = new HashSet<>();
    int[] brokerPorts = IntStream.range(0, size).map(node -> freePort(taken)).toArray();
    int[] controllerPorts = IntStream.range(0, size).map(node -> freePort(taken)).toArray();
    return new EmbeddedKafkaCluster(dataDir, brokerPorts, controllerPorts, Map.of());
  }

  /**
   * Nodes with these ports (node {@code i + 1} on {@code brokerPorts[i]} and {@code controllerPorts[i]}), the
   * same every time, so that a cluster can be stopped and started again on its data.
   */
  public EmbeddedKafkaCluster(Path dataDir, int[] brokerPorts, int[] controllerPorts, Map<String, String> overrides) {
    if (brokerPorts.length != controllerPorts.length || brokerPorts.length == 0) {
      throw new IllegalArgumentException("one broker port and one controller port per node");
    }
    String voters = IntStream.range(0, brokerPorts.length)
        .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i]).collect(Collectors.joining(","));
    // Used only to format a node's storage the first time; a node started again keeps the id it was formatted with.
    String clusterId = Uuid.randomUuid().toString();
    List<EmbeddedKafkaBroker> created = new ArrayList<>();
    for (int i = 0; i < brokerPorts.length; i++) {
      EmbeddedKafkaBroker.Settings settings = new EmbeddedKafkaBroker.Settings(dataDir.resolve("node-" + (i + 1)), "127.0.0.1",
          brokerPorts[i], controllerPorts[i], overrides, new EmbeddedKafkaBroker.Quorum(i + 1, voters, clusterId));
      created.add(new EmbeddedKafkaBroker(settings));
    }
    this.nodes = List.copyOf(created);
  }

  /** Starts every node at once (none is ready before a majority runs) and returns when all answer. */
  public EmbeddedKafkaCluster start() {
    try {
      CompletableFuture.allOf(nodes.stream().map(node -> CompletableFuture.runAsync(node::start)).toArray(CompletableFuture[]::new))
          .join();
    } catch (CompletionException e) {
      close();
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
    return this;
  }

  /** Every node's listener, for clients. */
  public String bootstrapServers() {
    return nodes.stream().map(EmbeddedKafkaBroker::bootstrapServers).collect(Collectors.joining(","));
  }

  public int size() {
    return nodes.size();
  }

  /** Node {@code id} (from 1). */
  public EmbeddedKafkaBroker node(int id) {
    return nodes.get(id - 1);
  }

  /** Stops every node; the data stays. */
  @Override
  public void close() {
    nodes.stream().map(node -> CompletableFuture.runAsync(node::close)).toList().forEach(CompletableFuture::join);
  }

  /** A free loopback port not in {@code taken}, which it joins. */
  private static int freePort(Set<Integer> taken) {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket socket = new ServerSocket(0)) {
        socket.setReuseAddress(true);
        if (taken.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("No free local port for the embedded cluster", e);
      }
    }
    throw new IllegalStateException("No free local port for the embedded cluster");
  }
}
