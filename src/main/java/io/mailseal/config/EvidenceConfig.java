package io.mailseal.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code evidence { ... }}: the journal of what was sent to whom (issue 23). {@code
 * anchorInterval}: how often the chain head is timestamped; {@code retention}: how long records are
 * kept.
 */
public record EvidenceConfig(
        boolean enabled, Path directory, Duration anchorInterval, Duration retention) {}
