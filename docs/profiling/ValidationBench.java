import com.fasterxml.jackson.databind.*;
import com.fasterxml.jackson.databind.node.*;
import com.networknt.schema.*;
import java.util.*;
import java.nio.file.*;
/** ValidationBench full|boolean|flow: 1,000 of the benchmark's rows, typed as a file's cells are, checked against insurance-actuarial-risk's schema 300 times a round: networknt's validator alone (full), its boolean output (boolean), or FlowSchema.validate, the shortcut first (flow, session 19); µs per row per round. */
public class ValidationBench {
  public static void main(String[] a) throws Exception {
    ObjectMapper m = new ObjectMapper();
    var schemas = new io.syncline.validation.FlowSchemas(m);
    var fs = schemas.forFlow("insurance-actuarial-risk");
    var f = io.syncline.validation.FlowSchema.class.getDeclaredField("schema"); f.setAccessible(true);
    JsonSchema schema = (JsonSchema) f.get(fs);
    List<ObjectNode> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Map<String,String> c = new LinkedHashMap<>();
      c.put("riskRecordId", String.format("RSK-BENCH-%08d", i)); c.put("segmentCode", "AUTO-DE-" + (i % 16)); c.put("lineOfBusiness", "auto");
      c.put("region", "DE-BY"); c.put("effectiveFrom", "2026-12-01"); c.put("calculatedAt", "2026-11-27T22:00:00Z");
      c.put("expectedLossRatio", "0.6" + (i % 10)); c.put("claimFrequency", "0.1" + (i % 9));
      c.put("averageSeverity", (2000 + i) + ".50"); c.put("exposureUnits", "" + (1000 + i)); c.put("riskScore", "" + (i % 1000));
      c.put("currency", "EUR"); c.put("modelVersion", "4.2.1");
      rows.add(fs.fromColumns(c));
    }
    String mode = a[0]; long sink = 0;
    for (int round = 0; round < 12; round++) {
      long t = System.nanoTime();
      for (int n = 0; n < 300; n++) for (ObjectNode r : rows) {
        if (mode.equals("full")) sink += schema.validate(r).size();
        else if (mode.equals("boolean")) sink += schema.validate(r, OutputFormat.BOOLEAN) ? 1 : 0;
        else sink += fs.validate(r).size();
      }
      System.out.printf("%s round %d: %.2f us/row%n", mode, round, (System.nanoTime() - t) / 1e3 / 300000);
    }
    System.out.println(sink);
  }
}
