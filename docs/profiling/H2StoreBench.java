import java.sql.*;
import java.util.*;

public class H2StoreBench {
    public static void main(String[] a) throws Exception {
        boolean random = a[0].equals("random");
        int n = 1_000_000, chunk = 200;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(i);
        if (random) Collections.shuffle(ids, new Random(1));
        String url = "jdbc:h2:/tmp/store-bench/h2-" + System.nanoTime() + "/state;WRITE_DELAY=0;QUERY_CACHE_SIZE=64";
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.createStatement().execute("CREATE TABLE sync_versions (flow VARCHAR(100) NOT NULL, record_key VARCHAR(500) NOT NULL, source_version BIGINT NOT NULL, event_id VARCHAR(100), PRIMARY KEY (flow, record_key))");
            String row = "(CAST(? AS VARCHAR(100)), CAST(? AS VARCHAR(500)), CAST(? AS BIGINT), CAST(? AS VARCHAR(100)))";
            String merge = "MERGE INTO sync_versions t USING (VALUES " + String.join(", ", Collections.nCopies(chunk, row))
                + ") AS s(flow, record_key, source_version, event_id) ON t.flow = s.flow AND t.record_key = s.record_key"
                + " WHEN MATCHED AND s.source_version > t.source_version THEN UPDATE SET source_version = s.source_version, event_id = s.event_id"
                + " WHEN NOT MATCHED THEN INSERT (flow, record_key, source_version, event_id) VALUES (s.flow, s.record_key, s.source_version, s.event_id)";
            String select = "SELECT record_key, source_version FROM sync_versions WHERE (flow, record_key) IN (" + String.join(",", Collections.nCopies(chunk, "(?, ?)")) + ")";
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime(); long found = 0;
                for (int s = 0; s < n; s += chunk) {
                    List<String> keys = new ArrayList<>(chunk);
                    for (int i = s; i < s + chunk; i++) keys.add("RSK-BENCH-" + String.format("%08d", ids.get(i)));
                    try (PreparedStatement p = c.prepareStatement(select)) {
                        int j = 1; for (String k : keys) { p.setString(j++, "insurance-actuarial-risk"); p.setString(j++, k); }
                        try (ResultSet r = p.executeQuery()) { while (r.next()) found++; }
                    }
                    try (PreparedStatement p = c.prepareStatement(merge)) {
                        int j = 1; for (String k : keys) { p.setString(j++, "insurance-actuarial-risk"); p.setString(j++, k); p.setLong(j++, System.currentTimeMillis() + round); p.setString(j++, "0123456789abcdef0123456789abcdef0123"); }
                        p.executeUpdate();
                    }
                }
                long t = System.nanoTime() - t0;
                System.out.printf("H2 %s round %d: %.2f us/row, found %d%n", a[0], round, t / 1e3 / n, found);
            }
        }
    }
}
