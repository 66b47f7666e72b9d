package io.mailseal.app;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start has opened so far, to be released in reverse order when a later step fails: a relay
 * that could not start leaves no listener bound and no pool or thread behind.
 */
final class ResourceStack {
    private static final Logger log = LoggerFactory.getLogger(ResourceStack.class);
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    <T extends AutoCloseable> T add(T resource) {
        opened.push(resource);
        return resource;
    }

    void closeAll() {
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.warn(
                        "releasing {} after a failed start: {}",
                        resource.getClass().getSimpleName(),
                        e.toString());
            }
        }
    }
}
