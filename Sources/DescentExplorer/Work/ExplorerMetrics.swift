import CoreMetrics
import Foundation
import Hummingbird
import Prometheus

/// What an operator reads from `GET /metrics`, in the Prometheus text format: every route's requests
/// and a latency histogram (Hummingbird's `MetricsMiddleware`, through swift-metrics), and, read
/// when scraped, the work waiting (the executor's queue, the trainings), the students' copies and the
/// process's resident memory.
///
/// swift-metrics keeps one factory for a whole process, set once: `bootstrap()` sets it, the first
/// time it is called, to swift-prometheus's factory over this type's registry, and returns that
/// same value every time after.
public final class ExplorerMetrics: Sendable {
    /// The registry every metric is kept in.
    let registry: PrometheusCollectorRegistry

    private static let shared: ExplorerMetrics = {
        let metrics = ExplorerMetrics(registry: PrometheusCollectorRegistry())
        var factory = PrometheusMetricsFactory(registry: metrics.registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (sanitized(name), labels.map { (sanitized($0.0), $0.1) })
        }
        // Requests take from well under a millisecond (a prediction) to seconds (a lesson experiment).
        factory.defaultDurationHistogramBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
            .map { Duration.nanoseconds(Int64($0 * 1e9)) }
        MetricsSystem.bootstrap(factory)
        return metrics
    }()

    private init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// The process's metrics: swift-metrics bootstrapped with swift-prometheus's factory on the first call.
    public static func bootstrap() -> ExplorerMetrics { shared }

    /// A metric's or label's name as Prometheus allows it: `[a-zA-Z_:][a-zA-Z0-9_:]*`
    /// (`http.server.request.duration` becomes `http_server_request_duration`).
    static func sanitized(_ name: String) -> String {
        var result = String(name.unicodeScalars.map { scalar -> Character in
            let allowed = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") || scalar == "_" || scalar == ":"
            return allowed ? Character(scalar) : "_"
        })
        if let first = result.unicodeScalars.first, first >= "0" && first <= "9" { result = "_" + result }
        return result
    }

    /// The text a scrape gets: the gauges read now from `state`, then every metric.
    func scrape(state: ExplorerState) async -> [UInt8] {
        let load = state.executor.load
        registry.makeGauge(name: "descent_executor_waiting_jobs", help: "Heavy jobs waiting for the executor").set(Int64(load.waiting))
        registry.makeGauge(name: "descent_executor_running_jobs", help: "Heavy jobs running on the executor").set(Int64(load.running))
        registry.makeGauge(name: "descent_executor_refused_jobs", help: "Heavy jobs refused with 429 since the start").set(Int64(state.executor.refused))
        let trainings = await state.trainingLoad()
        registry.makeGauge(name: "descent_trainings_running", help: "Trainings running (0 or 1)").set(Int64(trainings.running))
        registry.makeGauge(name: "descent_trainings_waiting", help: "Trainings and fine-tunings waiting").set(Int64(trainings.waiting))
        registry.makeGauge(name: "descent_copies", help: "Students' copies of the model kept").set(Int64(await state.learningCopies.count))
        registry.makeGauge(name: "process_resident_memory_bytes", help: "Resident memory of the server").set(Int64(Self.residentBytes()))
        return registry.emitToBuffer()
    }

    /// The resident set size, from /proc/self/statm (Linux); 0 where it cannot be read.
    static func residentBytes() -> Int {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return 0
        #endif
    }
}
