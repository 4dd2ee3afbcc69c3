package io.syncline.intake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A webhook body as the sender meant it: {@code Content-Encoding: gzip} or {@code deflate} decoded, with the size
 * limit applied to the decoded bytes, so a small compressed body that unpacks to gigabytes (a zip bomb) is refused
 * after the limit's worth of bytes, not after filling the memory.
 */
final class WebhookBody {

    /** Why a body cannot be taken: the problem to answer. */
    static final class Refused extends Exception {
        final transient Problem problem;

        Refused(Problem problem) {
            super(problem.detail(), null, false, false);
            this.problem = problem;
        }
    }

    private WebhookBody() {
    }

    /** The decoded body, at most {@code limit} bytes. */
    static byte[] decode(byte[] received, String contentEncoding, long limit, String flow) throws Refused {
        byte[] bytes = received == null ? new byte[0] : received;
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (encoding.isEmpty() || encoding.equals("identity")) {
            if (bytes.length > limit) {
                throw tooLarge("The body has " + bytes.length + " bytes; the limit is " + limit, flow);
            }
            return bytes;
        }
        if (!encoding.equals("gzip") && !encoding.equals("x-gzip") && !encoding.equals("deflate")) {
            throw new Refused(Problem.of("unsupported-content-encoding", "The body's encoding is not supported", 415,
                    "Content-Encoding was '" + contentEncoding + "'; send gzip, deflate or an uncompressed body", flow));
        }
        try (InputStream in = encoding.equals("deflate")
                ? new InflaterInputStream(new ByteArrayInputStream(bytes), new Inflater(!hasZlibHeader(bytes)))
                : new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            byte[] decoded = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (decoded.length > limit) {
                throw tooLarge("The body decodes to more than " + limit + " bytes (the limit)", flow);
            }
            return decoded;
        } catch (IOException e) {
            throw new Refused(Problem.of("malformed-content-encoding", "The body is not valid " + encoding, 400,
                    "Decoding the " + encoding + " body failed: " + e.getMessage(), flow));
        }
    }

    /** HTTP's deflate is zlib (RFC 9110); some senders send raw deflate, told apart by the zlib header's check. */
    private static boolean hasZlibHeader(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0x0f) == 8 && (((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff)) % 31 == 0;
    }

    static Refused tooLarge(String detail, String flow) {
        return new Refused(Problem.of("payload-too-large", "The body is over the size limit", 413, detail, flow));
    }
}
