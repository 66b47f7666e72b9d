package io.mailseal.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What policies may look at: the envelope sender, the addresses in the From header, and the
 * headers. Header names are kept lower-case (RFC 5322 §1.2.2: case-insensitive); values are
 * unfolded and RFC 2047-decoded by whoever builds this.
 */
public record MessageFacts(
        String envelopeFrom, List<String> headerFromAddresses, Map<String, List<String>> headers) {

    public MessageFacts {
        headerFromAddresses = List.copyOf(headerFromAddresses);
        headers = Map.copyOf(headers);
    }

    public List<String> header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    public Optional<String> subject() {
        return header("subject").stream().findFirst();
    }
}
