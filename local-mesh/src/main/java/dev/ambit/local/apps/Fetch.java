package dev.ambit.local.apps;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code Fetch <url> <wait-seconds>}: GETs {@code url} from inside a simulated node or pod, retrying until it
 * answers 200 or the wait is over, and prints the body. Exit 1 when it never answered 200.
 */
public final class Fetch {

    private Fetch() {
    }

    public static void main(String[] args) throws InterruptedException {
        URI url = URI.create(args[0]);
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[1])).toNanos();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String last = "no attempt";
        do {
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(url)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    System.out.print(response.body());
                    return;
                }
                last = "status " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        System.err.println("fetch " + url + " failed: " + last);
        System.exit(1);
    }
}
