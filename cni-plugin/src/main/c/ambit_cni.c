// ambit-cni: the Ambit CNI plugin, chained after the cluster's network plugin (docs/cni.md).
//
// On ADD it asks the node agent, over its Unix domain socket, to enroll the pod before the pod's containers start,
// and passes the previous plugin's result through. For a pod of an ambient namespace, ADD fails when the agent
// cannot enroll it or cannot be reached (fail closed; "failClosed": false in the plugin's config turns that off);
// pods of other namespaces never wait. DEL tells the agent to let go, and never fails.
//
// C, statically linked, no allocation beyond a few buffers: the runtime runs it once per pod start and per pod
// stop, so it must start in about a millisecond and run on any node, whatever libc the host has.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONFIG (1 << 20)
#define MAX_ANSWER 8192
#define MAX_REQUEST 8192
#define MAX_ADDRESSES 4
#define SUPPORTED_VERSIONS "[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]"
#define DEFAULT_SOCKET "/var/run/ambit/cni.sock"
#define DEFAULT_NAMESPACES_FILE "/var/lib/ambit/ambient-namespaces"
// Above the agent's own bound for a pod it does not know yet (5 s), so the agent's answer says why.
#define DEFAULT_TIMEOUT_MS 8000
// CNI's well-known "try again later": the kubelet retries the sandbox.
#define CNI_ERROR_TRY_AGAIN 11
#define CNI_ERROR_DECODING 6
#define CNI_ERROR_INVALID_ENV 4
#define CNI_ERROR_NOT_ENROLLED 100

// ---- a minimal JSON reader: enough to find members of the config and the agent's answer ----

typedef struct {
    const char *start;
    const char *end; // one past the value
} span;

static const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
        p++;
    }
    return p;
}

// One past the end of the JSON value at p, or NULL when it is malformed.
static const char *skip_value(const char *p, const char *end, int depth) {
    p = skip_ws(p, end);
    if (p >= end || depth > 64) {
        return NULL;
    }
    if (*p == '"') {
        for (p++; p < end; p++) {
            if (*p == '\\') {
                p++;
            } else if (*p == '"') {
                return p + 1;
            }
        }
        return NULL;
    }
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        bool object = *p == '{';
        p = skip_ws(p + 1, end);
        if (p < end && *p == close) {
            return p + 1;
        }
        while (p < end) {
            if (object) {
                p = skip_value(p, end, depth + 1); // the member's name
                if (!p) {
                    return NULL;
                }
                p = skip_ws(p, end);
                if (p >= end || *p != ':') {
                    return NULL;
                }
                p++;
            }
            p = skip_value(p, end, depth + 1);
            if (!p) {
                return NULL;
            }
            p = skip_ws(p, end);
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            if (p < end && *p == close) {
                return p + 1;
            }
            return NULL;
        }
        return NULL;
    }
    // number, true, false, null
    const char *q = p;
    while (q < end && *q != ',' && *q != '}' && *q != ']' && *q != ' ' && *q != '\n' && *q != '\r' && *q != '\t') {
        q++;
    }
    return q > p ? q : NULL;
}

// The value of member `name` of the object `object`; false when absent or not an object.
static bool member(span object, const char *name, span *value) {
    const char *p = skip_ws(object.start, object.end);
    if (p >= object.end || *p != '{') {
        return false;
    }
    p = skip_ws(p + 1, object.end);
    size_t name_length = strlen(name);
    while (p < object.end && *p == '"') {
        const char *key_end = skip_value(p, object.end, 0);
        if (!key_end) {
            return false;
        }
        bool match = (size_t)(key_end - p - 2) == name_length && memcmp(p + 1, name, name_length) == 0;
        p = skip_ws(key_end, object.end);
        if (p >= object.end || *p != ':') {
            return false;
        }
        const char *value_start = skip_ws(p + 1, object.end);
        const char *value_end = skip_value(value_start, object.end, 0);
        if (!value_end) {
            return false;
        }
        if (match) {
            value->start = value_start;
            value->end = value_end;
            return true;
        }
        p = skip_ws(value_end, object.end);
        if (p < object.end && *p == ',') {
            p = skip_ws(p + 1, object.end);
        }
    }
    return false;
}

// A string value into out (escapes other than \" and \\ are kept as written: names and paths have none).
static bool string_value(span value, char *out, size_t size) {
    if (value.end - value.start < 2 || *value.start != '"') {
        return false;
    }
    size_t n = 0;
    for (const char *p = value.start + 1; p < value.end - 1; p++) {
        if (*p == '\\' && p + 1 < value.end - 1 && (p[1] == '"' || p[1] == '\\')) {
            p++;
        }
        if (n + 1 >= size) {
            return false;
        }
        out[n++] = *p;
    }
    out[n] = '\0';
    return true;
}

static bool string_member(span object, const char *name, char *out, size_t size) {
    span value;
    return member(object, name, &value) && string_value(value, out, size);
}

// ---- output ----

static void fail(int code, const char *cni_version, const char *format, ...) {
    char message[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    // The message goes out as a JSON string: keep it printable and unquoted.
    for (char *c = message; *c; c++) {
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) {
            *c = '\'';
        }
    }
    printf("{\"cniVersion\":\"%s\",\"code\":%d,\"msg\":\"ambit-cni: %s\"}\n", cni_version, code, message);
    fflush(stdout);
    exit(1);
}

// ADD's result: the previous plugin's result, unchanged (this plugin adds no interface or address).
static void pass_through(const char *cni_version, span prev_result, bool has_prev) {
    if (!has_prev) {
        printf("{\"cniVersion\":\"%s\",\"interfaces\":[],\"ips\":[],\"dns\":{}}\n", cni_version);
    } else {
        span ignored;
        if (member(prev_result, "cniVersion", &ignored)) {
            fwrite(prev_result.start, 1, prev_result.end - prev_result.start, stdout);
        } else {
            const char *rest = skip_ws(prev_result.start + 1, prev_result.end);
            printf("{\"cniVersion\":\"%s\"%s", cni_version, *rest == '}' ? "" : ",");
            fwrite(rest, 1, prev_result.end - rest, stdout);
        }
        putchar('\n');
    }
    fflush(stdout);
    exit(0);
}

// ---- CNI_ARGS: K8S_POD_NAMESPACE=…;K8S_POD_NAME=…;K8S_POD_UID=… ----

static bool cni_arg(const char *args, const char *name, char *out, size_t size) {
    size_t name_length = strlen(name);
    for (const char *p = args; p && *p;) {
        const char *end = strchr(p, ';');
        size_t length = end ? (size_t)(end - p) : strlen(p);
        if (length > name_length && memcmp(p, name, name_length) == 0 && p[name_length] == '=') {
            size_t value_length = length - name_length - 1;
            if (value_length >= size) {
                return false;
            }
            memcpy(out, p + name_length + 1, value_length);
            out[value_length] = '\0';
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

// ---- the agent ----

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static bool json_safe(const char *text) {
    for (const char *c = text; *c; c++) {
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) {
            return false;
        }
    }
    return true;
}

// Sends the request and reads the one-line answer; false with `problem` set when the agent cannot be asked.
static bool ask_agent(const char *socket_path, const char *request, int timeout_ms, char *answer, size_t size,
        char *problem, size_t problem_size) {
    long long deadline = now_ms() + timeout_ms;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(problem, problem_size, "socket: %s", strerror(errno));
        return false;
    }
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof address.sun_path) {
        snprintf(problem, problem_size, "socket path too long: %s", socket_path);
        close(fd);
        return false;
    }
    strcpy(address.sun_path, socket_path);
    // A Unix socket connects at once or fails (ENOENT, ECONNREFUSED) or, with a full backlog, EAGAIN.
    if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0) {
        snprintf(problem, problem_size, "cannot reach the node agent at %s: %s", socket_path, strerror(errno));
        close(fd);
        return false;
    }
    size_t length = strlen(request), written = 0;
    size_t received = 0;
    bool sent = false;
    for (;;) {
        int remaining = (int)(deadline - now_ms());
        if (remaining <= 0) {
            snprintf(problem, problem_size, "no answer from the node agent at %s within %d ms", socket_path, timeout_ms);
            close(fd);
            return false;
        }
        struct pollfd waiting = {.fd = fd, .events = sent ? POLLIN : POLLOUT};
        int ready = poll(&waiting, 1, remaining);
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            continue; // the deadline check above ends it
        }
        if (!sent) {
            ssize_t n = send(fd, request + written, length - written, MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EINTR) {
                snprintf(problem, problem_size, "cannot write to the node agent at %s: %s", socket_path, strerror(errno));
                close(fd);
                return false;
            }
            written += n > 0 ? (size_t)n : 0;
            sent = written == length;
            continue;
        }
        ssize_t n = read(fd, answer + received, size - 1 - received);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (n < 0) {
            snprintf(problem, problem_size, "cannot read from the node agent at %s: %s", socket_path, strerror(errno));
            close(fd);
            return false;
        }
        received += (size_t)n;
        if (n == 0 || received == size - 1 || memchr(answer, '\n', received)) {
            break;
        }
    }
    close(fd);
    answer[received] = '\0';
    if (received == 0) {
        snprintf(problem, problem_size, "the node agent at %s closed without an answer", socket_path);
        return false;
    }
    return true;
}

// Whether `namespace` is a line of the file the agent keeps; a missing file lists nothing (no agent ever ran here).
static bool listed_as_ambient(const char *file, const char *namespace) {
    FILE *in = fopen(file, "re");
    if (!in) {
        return false;
    }
    char line[256];
    bool found = false;
    while (!found && fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = '\0';
        found = strcmp(line, namespace) == 0;
    }
    fclose(in);
    return found;
}

// ---- main ----

static char config_buffer[MAX_CONFIG + 1];

int main(void) {
    const char *command = getenv("CNI_COMMAND");
    if (!command) {
        fail(CNI_ERROR_INVALID_ENV, "1.0.0", "CNI_COMMAND is not set");
    }
    if (strcmp(command, "VERSION") == 0) {
        printf("{\"cniVersion\":\"1.0.0\",\"supportedVersions\":" SUPPORTED_VERSIONS "}\n");
        return 0;
    }
    size_t length = fread(config_buffer, 1, MAX_CONFIG, stdin);
    config_buffer[length] = '\0';
    span config = {config_buffer, config_buffer + length};
    char cni_version[32] = "1.0.0";
    if (!string_member(config, "cniVersion", cni_version, sizeof cni_version)) {
        strcpy(cni_version, "1.0.0");
    }
    if (!skip_value(config.start, config.end, 0)) {
        fail(CNI_ERROR_DECODING, cni_version, "the network configuration on stdin is not JSON");
    }
    if (strcmp(command, "ADD") != 0 && strcmp(command, "DEL") != 0) {
        return 0; // CHECK, STATUS, GC: nothing of ours to check or collect
    }
    bool is_add = strcmp(command, "ADD") == 0;
    span prev_result;
    bool has_prev = member(config, "prevResult", &prev_result);

    char socket_path[108] = DEFAULT_SOCKET;
    string_member(config, "socket", socket_path, sizeof socket_path);
    char namespaces_file[512] = DEFAULT_NAMESPACES_FILE;
    string_member(config, "ambientNamespacesFile", namespaces_file, sizeof namespaces_file);
    bool fail_closed = true;
    span value;
    if (member(config, "failClosed", &value) && value.end - value.start == 5 && memcmp(value.start, "false", 5) == 0) {
        fail_closed = false;
    }
    int timeout_ms = DEFAULT_TIMEOUT_MS;
    if (member(config, "timeoutMs", &value)) {
        timeout_ms = atoi(value.start);
        if (timeout_ms <= 0) {
            timeout_ms = DEFAULT_TIMEOUT_MS;
        }
    }

    const char *args = getenv("CNI_ARGS");
    char namespace[256], name[256], uid[128] = "";
    if (!args || !cni_arg(args, "K8S_POD_NAMESPACE", namespace, sizeof namespace)
            || !cni_arg(args, "K8S_POD_NAME", name, sizeof name)) {
        // Not a Kubernetes pod (no kubelet arguments): not ours to capture.
        if (is_add) {
            pass_through(cni_version, prev_result, has_prev);
        }
        return 0;
    }
    cni_arg(args, "K8S_POD_UID", uid, sizeof uid);
    const char *container_id = getenv("CNI_CONTAINERID") ? getenv("CNI_CONTAINERID") : "";
    const char *netns = getenv("CNI_NETNS") ? getenv("CNI_NETNS") : "";
    if (!json_safe(namespace) || !json_safe(name) || !json_safe(uid) || !json_safe(container_id) || !json_safe(netns)) {
        fail(CNI_ERROR_INVALID_ENV, cni_version, "CNI_ARGS, CNI_CONTAINERID or CNI_NETNS has characters a pod cannot have");
    }

    // The pod's addresses, from the network plugin's result: the API server learns them only after ADD.
    char addresses[MAX_ADDRESSES * 64] = "";
    span ips;
    if (is_add && has_prev && member(prev_result, "ips", &ips) && *ips.start == '[') {
        const char *p = skip_ws(ips.start + 1, ips.end);
        int count = 0;
        while (p < ips.end && *p == '{' && count < MAX_ADDRESSES) {
            const char *item_end = skip_value(p, ips.end, 0);
            if (!item_end) {
                break;
            }
            char cidr[64];
            span item = {p, item_end};
            if (string_member(item, "address", cidr, sizeof cidr) && json_safe(cidr)) {
                cidr[strcspn(cidr, "/")] = '\0';
                size_t used = strlen(addresses);
                snprintf(addresses + used, sizeof addresses - used, "%s\"%s\"", count ? "," : "", cidr);
                count++;
            }
            p = skip_ws(item_end, ips.end);
            if (p < ips.end && *p == ',') {
                p = skip_ws(p + 1, ips.end);
            }
        }
    }

    char request[MAX_REQUEST];
    snprintf(request, sizeof request,
            "{\"command\":\"%s\",\"namespace\":\"%s\",\"name\":\"%s\",\"uid\":\"%s\",\"containerId\":\"%s\","
            "\"netns\":\"%s\",\"addresses\":[%s]}\n",
            command, namespace, name, uid, container_id, netns, addresses);
    char answer[MAX_ANSWER], problem[512];
    bool answered = ask_agent(socket_path, request, is_add ? timeout_ms : timeout_ms / 4, answer, sizeof answer,
            problem, sizeof problem);
    if (!is_add) {
        return 0; // DEL never fails: the pod is going away either way, and a failed DEL blocks its removal
    }
    if (!answered) {
        if (fail_closed && listed_as_ambient(namespaces_file, namespace)) {
            fail(CNI_ERROR_TRY_AGAIN, cni_version,
                    "pod %s/%s is in ambient namespace %s and %s; it would start outside the mesh, so it is not"
                    " started (the kubelet retries)", namespace, name, namespace, problem);
        }
        pass_through(cni_version, prev_result, has_prev);
    }
    span answer_span = {answer, answer + strlen(answer)};
    char result[32] = "", message[512] = "";
    string_member(answer_span, "result", result, sizeof result);
    string_member(answer_span, "message", message, sizeof message);
    if (strcmp(result, "enrolled") == 0 || strcmp(result, "not_ambient") == 0 || !fail_closed) {
        pass_through(cni_version, prev_result, has_prev);
    }
    fail(CNI_ERROR_NOT_ENROLLED, cni_version, "the node agent did not enroll pod %s/%s: %s", namespace, name,
            message[0] ? message : answer);
}
