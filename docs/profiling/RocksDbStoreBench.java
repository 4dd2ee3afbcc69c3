import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.rocksdb.*;

public class RocksDbStoreBench {
    public static void main(String[] a) throws Exception {
        RocksDB.loadLibrary();
        boolean random = a[0].equals("random");
        boolean sync = a.length > 1 && a[1].equals("sync");
        int n = 1_000_000, chunk = 200;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(i);
        if (random) Collections.shuffle(ids, new Random(1));
        String dir = "/tmp/store-bench/rocksdb-" + System.nanoTime();
        try (Options o = new Options().setCreateIfMissing(true).setWriteBufferSize(8 << 20).setMaxWriteBufferNumber(2);
             RocksDB db = RocksDB.open(o, dir); WriteOptions w = new WriteOptions().setSync(sync)) {
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime(); long found = 0;
                for (int c = 0; c < n; c += chunk) {
                    List<byte[]> keys = new ArrayList<>(chunk);
                    for (int i = c; i < c + chunk; i++)
                        keys.add(("insurance-actuarial-risk\u0000RSK-BENCH-" + String.format("%08d", ids.get(i))).getBytes(StandardCharsets.UTF_8));
                    List<byte[]> got = db.multiGetAsList(keys);
                    for (byte[] g : got) if (g != null) found++;
                    try (WriteBatch b = new WriteBatch()) {
                        for (byte[] k : keys) {
                            b.put(k, ByteBuffer.allocate(8 + 36).putLong(System.currentTimeMillis() + round).put("0123456789abcdef0123456789abcdef0123".getBytes()).array());
                        }
                        db.write(w, b);
                    }
                }
                long t = System.nanoTime() - t0;
                System.out.printf("%s sync=%s round %d: %.2f us/row, found %d%n", a[0], sync, round, t / 1e3 / n, found);
            }
        }
    }
}
