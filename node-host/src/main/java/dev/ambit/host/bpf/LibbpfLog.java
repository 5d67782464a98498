package dev.ambit.host.bpf;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import jnr.ffi.Pointer;
import jnr.ffi.byref.PointerByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libbpf's print callback: formats each message with libc (libbpf hands over a va_list), logs it
 * through SLF4J and keeps the calling thread's last warnings, so that the exception of a failed
 * call can say what libbpf (and the verifier, whose log ends with the reason) complained about.
 */
final class LibbpfLog implements Libbpf.PrintCallback {

    private static final Logger LOG = LoggerFactory.getLogger("libbpf");
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;
    private static final int KEPT_WARNINGS = 12;

    private final LibC libc;
    private final ThreadLocal<Deque<String>> warnings = ThreadLocal.withInitial(ArrayDeque::new);

    LibbpfLog(LibC libc) {
        this.libc = libc;
    }

    @Override
    public int print(int level, Pointer format, Pointer args) {
        PointerByReference formatted = new PointerByReference();
        int length = libc.vasprintf(formatted, format, args);
        if (length < 0) {
            return 0;
        }
        String text = formatted.getValue().getString(0);
        libc.free(formatted.getValue());
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                record(level, line.stripTrailing());
            }
        }
        return length;
    }

    private void record(int level, String line) {
        if (level == LIBBPF_WARN) {
            LOG.warn(line);
            Deque<String> kept = warnings.get();
            if (kept.size() == KEPT_WARNINGS) {
                kept.removeFirst();
            }
            kept.addLast(line);
        } else if (level == LIBBPF_INFO) {
            LOG.info(line);
        } else {
            LOG.debug(line);
        }
    }

    /** The calling thread's recent warnings, forgotten once taken. */
    List<String> takeWarnings() {
        Deque<String> kept = warnings.get();
        List<String> taken = List.copyOf(kept);
        kept.clear();
        return taken;
    }
}
