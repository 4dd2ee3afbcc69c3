package io.syncline.security;

import java.util.regex.Pattern;

/** URLs as they may be shown (health data, the flow catalog, logs): credentials in them are masked. */
public final class SecretMasking {

    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/?#\\s]*@");
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;][^=&;]*(?:password|secret|token|apikey|api_key|signature|sig)=)[^&;#]*");

    private SecretMasking() {
    }

    /** {@code https://u:p@host/x?token=abc&page=2} shows as {@code https://***@host/x?token=***&page=2}. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        return SECRET_PARAMETER.matcher(USER_INFO.matcher(url).replaceAll("***@")).replaceAll("$1***");
    }
}
