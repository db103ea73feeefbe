package io.github.keypoints.data.load;

import java.io.IOException;
import java.net.URI;

/**
 * A download that could not be made: no network, a host that does not answer, or an HTTP status
 * other than 200. Nothing was left in the cache. A caller that has another way to the data (a local
 * copy) says so to its user.
 */
public final class DownloadException extends IOException {

    private static final long serialVersionUID = 1L;

    /** What was downloaded (not serialised). */
    private final transient URI uri;

    /** Why it failed, in a few words. */
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param message the whole message, naming the URI
     * @param uri what was downloaded
     * @param reason why it failed, in a few words (such as {@code expected HTTP 200, found HTTP
     *     404})
     * @param cause the underlying failure, or {@code null}
     */
    public DownloadException(String message, URI uri, String reason, Throwable cause) {
        super(message, cause);
        this.uri = uri;
        this.reason = reason;
    }

    /**
     * Returns what was downloaded.
     *
     * @return the URI
     */
    public URI uri() {
        return uri;
    }

    /**
     * Returns why the download failed, in a few words.
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }
}
