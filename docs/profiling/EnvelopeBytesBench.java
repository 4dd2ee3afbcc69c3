import com.fasterxml.jackson.databind.*;
import com.fasterxml.jackson.databind.node.*;
import java.lang.management.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
/** EnvelopeBytesBench string|bytes: 200 envelopes of the benchmark's rows written as JSON and joined into an outbox chunk, as Strings through a builder (before session 17) or as UTF-8 bytes copied once (now); µs and bytes allocated per row. */
public class EnvelopeBytesBench {
  record Env(String flow, String key, String eventId, String sourceTimestamp, String receivedAt, JsonNode record) {}
  public static void main(String[] a) throws Exception {
    ObjectMapper m = new ObjectMapper();
    List<Env> chunk = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ObjectNode r = JsonNodeFactory.instance.objectNode();
      r.put("riskRecordId", String.format("RSK-BENCH-%08d", i)); r.put("segmentCode", "AUTO-DE-" + (i % 16)); r.put("lineOfBusiness", "auto");
      r.put("region", "DE-BY"); r.put("effectiveFrom", "2026-12-01"); r.put("calculatedAt", "2026-11-27T22:00:00Z");
      r.put("expectedLossRatio", new java.math.BigDecimal("0.6" + (i % 10))); r.put("claimFrequency", new java.math.BigDecimal("0.1" + (i % 9)));
      r.put("averageSeverity", new java.math.BigDecimal((2000 + i) + ".50")); r.put("exposureUnits", 1000L + i); r.put("riskScore", (long) (i % 1000));
      r.put("currency", "EUR"); r.put("modelVersion", "4.2.1");
      chunk.add(new Env("insurance-actuarial-risk", "RSK-BENCH-" + i, UUID.randomUUID().toString(), "2026-11-27T22:00:00Z", "2026-12-02T18:00:00.123Z", r));
    }
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String mode = a[0]; long sink = 0;
    for (int round = 0; round < 10; round++) {
      long b0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
      long t = System.nanoTime();
      for (int n = 0; n < 2500; n++) {
        if (mode.equals("string")) {
          String[] lines = new String[200];
          for (int i = 0; i < 200; i++) lines[i] = m.writeValueAsString(chunk.get(i)); // read-ahead
          StringBuilder sb = new StringBuilder(200 * 256);
          for (String l : lines) sb.append(l).append('\n');
          byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
          sink += bytes.length;
        } else {
          byte[][] each = new byte[200][];
          for (int i = 0; i < 200; i++) each[i] = m.writeValueAsBytes(chunk.get(i));
          int size = 0; for (byte[] e : each) size += e.length + 1;
          byte[] bytes = new byte[size]; int at = 0;
          for (byte[] e : each) { System.arraycopy(e, 0, bytes, at, e.length); at += e.length; bytes[at++] = '\n'; }
          sink += bytes.length;
        }
      }
      long ns = System.nanoTime() - t;
      long b = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - b0;
      System.out.printf("%s round %d: %.3f us/row, %d bytes allocated/row%n", mode, round, ns / 500000.0 / 1000, b / 500000);
    }
    System.out.println(sink);
  }
}
