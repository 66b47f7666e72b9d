package io.mailseal.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code timestamp { ... }}: RFC 3161 authorities, tried in order. */
public record TimestampConfig(List<URI> urls, Optional<Path> trustAnchors, Duration timeout) {}
