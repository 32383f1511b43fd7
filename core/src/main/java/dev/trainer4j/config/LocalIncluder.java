package dev.trainer4j.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;

import java.io.File;
import java.net.URL;
import java.util.regex.Pattern;

/**
 * Lets a run file include other files and class-path resources, never URLs: {@code include url("http://...")}
 * (or a bare {@code include "http://..."}) would make an HTTP request while the run file is parsed, and trainer4j
 * never reaches the network at run time. A URL include fails with a {@link ConfigException} naming the URL; the
 * parser adds the run file's line.
 */
final class LocalIncluder implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderClasspath, ConfigIncluderURL {
    /** The start and end of a refusal's message, around the URL; the parser finds the URL's line with them. */
    static final String REFUSED_PREFIX = "include of URL '";
    static final String REFUSED_SUFFIX = "' refused: a run file may include files (include file(...) or a relative "
            + "name) and class-path resources (include classpath(...)), never URLs; copy the file next to the run file";
    /** A URL with a scheme other than {@code file}: what Typesafe Config's heuristic include would fetch. */
    private static final Pattern REMOTE = Pattern.compile("^(?!file:)[a-zA-Z][a-zA-Z0-9+.-]*://.*");

    private final ConfigIncluder fallback;

    LocalIncluder() {
        this(null);
    }

    private LocalIncluder(ConfigIncluder fallback) {
        this.fallback = fallback;
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
        return this.fallback == null ? new LocalIncluder(fallback) : this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        if (REMOTE.matcher(what).matches()) {
            throw refused(what);
        }
        return fallback().include(context, what);
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
        return ((ConfigIncluderFile) fallback()).includeFile(context, what);
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
        return ((ConfigIncluderClasspath) fallback()).includeResources(context, what);
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
        if ("file".equals(what.getProtocol())) {
            return ((ConfigIncluderURL) fallback()).includeURL(context, what);
        }
        throw refused(what.toString());
    }

    private ConfigIncluder fallback() {
        if (fallback == null) {
            throw new IllegalStateException("the default includer was not set as this includer's fallback");
        }
        return fallback;
    }

    /** The exception of a refused URL include. */
    static ConfigException refused(String url) {
        return new ConfigException.Generic(REFUSED_PREFIX + url + REFUSED_SUFFIX);
    }
}
