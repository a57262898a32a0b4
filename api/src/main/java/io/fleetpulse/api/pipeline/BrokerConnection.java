package io.fleetpulse.api.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Requests to one broker over Kafka's wire protocol, for what the admin API does not offer: writing the
 * COMMIT marker of a transaction its coordinator committed ({@link TransactionInspector#end}). Plain TCP,
 * as all of fleetpulse's Kafka connections are; a listener that wants TLS or SASL closes the connection
 * and the caller says so. Each request goes at the newest version both sides speak (ApiVersions first).
 */
final class BrokerConnection implements AutoCloseable {

  private static final String CLIENT_ID = "fleetpulse-pipeline-watchdog";
  private static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final ApiVersionsResponse brokerVersions;
  private int correlationId;

  private BrokerConnection(Node broker, Duration timeout) throws IOException {
    socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(broker.host(), broker.port()), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      in = new DataInputStream(socket.getInputStream());
      out = new DataOutputStream(socket.getOutputStream());
      brokerVersions = exchange(new ApiVersionsRequest.Builder().build((short) 3));
      if (brokerVersions.data().errorCode() != Errors.NONE.code()) {
        throw new IOException("broker " + broker + " refused ApiVersions: " + Errors.forCode(brokerVersions.data().errorCode()));
      }
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Connects to {@code broker}; every read and write then waits at most {@code timeout}. */
  static BrokerConnection open(Node broker, Duration timeout) throws IOException {
    return new BrokerConnection(broker, timeout);
  }

  /** Sends the request at the newest version both sides speak and returns the broker's answer. */
  <R extends AbstractResponse> R send(AbstractRequest.Builder<?> request) throws IOException {
    ApiKeys api = request.apiKey();
    ApiVersion broker = brokerVersions.data().apiKeys().find(api.id);
    short version = broker == null ? -1 : (short) Math.min(broker.maxVersion(), request.latestAllowedVersion());
    if (broker == null || version < Math.max(broker.minVersion(), request.oldestAllowedVersion())) {
      throw new IOException("the broker does not speak a version of " + api + " this client knows");
    }
    return exchange(request.build(version));
  }

  private <R extends AbstractResponse> R exchange(AbstractRequest request) throws IOException {
    RequestHeader header = new RequestHeader(request.apiKey(), request.version(), CLIENT_ID, ++correlationId);
    ByteBuffer payload = request.serializeWithHeader(header);
    out.writeInt(payload.remaining());
    out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
    out.flush();
    int size = in.readInt();
    if (size < 0 || size > MAX_RESPONSE_BYTES) {
      throw new IOException("not a Kafka response (size " + size + "): is this listener PLAINTEXT?");
    }
    byte[] response = new byte[size];
    in.readFully(response);
    @SuppressWarnings("unchecked")
    R parsed = (R) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    return parsed;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
