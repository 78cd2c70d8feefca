import DescentExplorer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /metrics: the Prometheus text format, with the teacher's token")
struct MetricsTests {
    @Test("after a prediction, the route's requests and latency histogram, the queues, the copies and the memory")
    func scrape() async throws {
        let metrics = ExplorerMetrics.bootstrap()
        try await ExplorerFixture.test(access: ExplorerFixture.classroom, metrics: metrics) { client in
            let body = pixelsBody(Array(repeating: "0.5", count: 784))
            #expect(try await client.call(.post, "/api/predict", json: body).status == .ok)
            #expect(try await client.call(.post, "/api/predict", json: "{").status == .badRequest)
            let (status, _, text) = try await client.call(.get, "/metrics")
            #expect(status == .ok, "\(text.prefix(300))")
            let lines = text.split(separator: "\n")
            // The middleware counts an answer once its body is written: the two predictions are in.
            #expect(lines.contains { $0.hasPrefix("http_server_request_duration_bucket{") && $0.contains("http_route=\"/api/predict\"")
                && $0.contains("http_response_status_code=\"200\"") })
            #expect(lines.contains { $0.hasPrefix("hb_requests{") && $0.contains("/api/predict") && $0.contains("\"400\"") })
            for gauge in ["descent_executor_waiting_jobs", "descent_executor_running_jobs", "descent_trainings_waiting", "descent_copies"] {
                #expect(lines.contains { $0.hasPrefix(gauge + " ") }, "\(gauge) missing")
            }
            let rss = lines.first { $0.hasPrefix("process_resident_memory_bytes ") }.flatMap { Double($0.split(separator: " ")[1]) }
            #expect((rss ?? 0) > 1_000_000)
            // Every line is a comment or `name{labels} value`, names as Prometheus allows them.
            for line in lines where !line.hasPrefix("#") {
                let name = line.prefix { $0 != "{" && $0 != " " }
                #expect(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }, "\(line)")
            }
        }
    }

    @Test("a student's token, no token and another site's page are refused")
    func refusals() async throws {
        let metrics = ExplorerMetrics.bootstrap()
        try await ExplorerFixture.test(access: ExplorerFixture.classroom, metrics: metrics) { client in
            let student = try await client.call(.get, "/metrics", token: ExplorerFixture.studentToken)
            let anonymous = try await client.call(.get, "/metrics", token: nil)
            let foreign = try await client.call(.get, "/metrics", headers: ["Origin": "https://evil.example"])
            #expect(student.status == .forbidden && anonymous.status == .forbidden && foreign.status == .forbidden)
        }
    }

    @Test("a server without metrics has no /metrics")
    func absent() async throws {
        try await ExplorerFixture.test { client in
            let answer = try await client.call(.get, "/metrics")
            #expect(answer.status == .notFound)
        }
    }
}
