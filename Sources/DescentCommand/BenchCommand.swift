import ArgumentParser
import CDescentKernels
import DescentDatasets
import Dispatch
import Foundation
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training speed on MNIST for the benchmark configurations S, N, T, W and M.",
        discussion: """
            S: 784-16-16-10, sigmoid, quadratic cost, SGD batch 10, learning rate 3.0 (the video's network). \
            N: 784-30-10, the same recipe. T: 784-256-128-10, ReLU, softmax + cross-entropy, Adam 1e-3, \
            batch 128. W: 784-800-800-10, as T (the products of mlp99's network). M: an epoch of the mlp99 \
            preset: W with dropout 0.1 and every image rotated, scaled and elastically distorted (on a \
            worker thread, while the previous batch trains). Each trains on the 50,000 training images; seconds per epoch is the median over \
            the epochs after the first (the first is reported apart). GFLOP/s counts the dense forward and \
            backward products (no gradient for the input pixels) against this machine's peak, measured with \
            independent fused multiply-adds on registers. The first layer skips the pixels that are 0 \
            (about 81% of an MNIST digit), so these are effective figures and may pass the peak; W also \
            times its dense products alone (batch 128 x 800 x 800, the three of a training step). The peak \
            and every product use the kernel family chosen for this CPU (avx512, avx2-fma, neon or \
            portable), or the one named with --kernel. It also measures the bfloat16 peak and, for W, the same three \
            products in bfloat16 (operands rounded to bfloat16, sums in float32). With --precision bf16 every \
            configuration trains with its products in bfloat16, as `descent train --precision bf16` does. \
            benchmarks/compare.sh runs the same configurations in numpy, JAX, PyTorch and scikit-learn.
            """)

    enum Config: String, ExpressibleByArgument, CaseIterable {
        case S, N, T, W, M

        /// The configurations run when none is named: W and M take seconds an epoch, so they are asked for by name.
        static let standard: [Config] = [.S, .N, .T]

        var training: TrainingConfiguration {
            var configuration = TrainingConfiguration()
            switch self {
            case .S: break
            case .N: configuration.sizes = [784, 30, 10]
            case .M:
                configuration = TrainingConfiguration(preset: .mlp99)
                configuration.preprocessing = .none  // the images as loaded: an epoch, not the deskewing
                configuration.schedule = LearningRateSchedule()
            case .T, .W:
                configuration.sizes = self == .T ? [784, 256, 128, 10] : [784, 800, 800, 10]
                configuration.hidden = .relu
                configuration.output = .softmax
                configuration.cost = .crossEntropy
                configuration.initialization = .he
                configuration.optimizer = .adam
                configuration.learningRate = 1e-3
                configuration.batchSize = 128
            }
            return configuration
        }
    }

    @Option(name: .customLong("config"), parsing: .upToNextOption, help: "Which configurations (S N T W M; default S N T).")
    var configs: [Config] = Config.standard

    @Option(help: "Epochs per configuration.")
    var epochs: Int = 3

    @Option(help: ArgumentHelp("Threads (default: all cores).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("The kernel family: avx512, avx2, neon or portable (default: the best this CPU runs).", valueName: "family"))
    var kernel: String?

    @Option(help: ArgumentHelp("The training's products: float32 or bf16 (operands rounded to bfloat16, sums in float32).", valueName: "precision"))
    var precision: ProductPrecision = .float32

    @Flag(help: "Time only the distortion of the training images (mlp99's augmentation) against the reference it replaced.")
    var distortions = false

    @OptionGroup var data: DataOptions
    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        guard (1...100).contains(epochs) else { throw ValidationError("--epochs \(epochs): expected 1 to 100") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads \(threads): expected 1 to 256") }
        if let kernel {
            let supported = KernelFamily.allCases.filter(\.isSupported).map(\.description).joined(separator: ", ")
            guard let family = KernelFamily(name: kernel) else {
                throw ValidationError("--kernel \(kernel): expected avx512, avx2, neon or portable (this CPU runs \(supported))")
            }
            guard family.isSupported else { throw ValidationError("--kernel \(kernel): this CPU or build cannot run it; it runs \(supported)") }
        }
    }

    mutating func run() async throws {
        let console = Console(quiet: output.json)
        let threads = threads ?? Parallel.availableProcessors
        if let kernel, let family = KernelFamily(name: kernel) { KernelFamily.use(family) }
        let folder = DataLocation.folder(for: data)
        if !MNIST.isPresent(in: folder, kind: data.dataset) { _ = try await DataLocation.load(data) { console.note($0) } }
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let mnist = try MNIST(folder: folder, kind: data.dataset)
        let loadSeconds = Self.seconds(since: loadStart)
        if distortions {
            let result = Self.benchDistortions(mnist.training, rounds: max(epochs, 3), console: console)
            if output.json { Format.printJSON(result) }
            return
        }
        let peak = Self.measurePeak(threads: threads)
        console.say(String(format: "Machine peak (fused multiply-adds on registers, %@): %.1f GFLOP/s on %d thread(s); kernel %@ (best here: %@)",
                           Float.gemmKernelName, peak, threads, Float.gemmKernelName, KernelFamily.best.description))
        let bf16Family = String(cString: descent_bf16_name(descent_bf16_current()))
        let bf16Peak = Self.measurePeak(threads: threads, loop: descent_bf16_peak)
        console.say(String(format: "bfloat16 peak (dot products on registers, %@): %.1f GFLOP/s on %d thread(s)", bf16Family, bf16Peak, threads))
        console.say(String(format: "Loading MNIST (gunzip, parse, checks): %.3f s", loadSeconds))
        var results: [[String: Any]] = []
        for config in configs {
            var configuration = config.training
            configuration.epochs = epochs
            configuration.threads = threads
            configuration.precision = precision
            var generator = SplitMix64(seed: 0)
            let network = try configuration.makeNetwork(using: &generator)
            let empty = mnist.validation.prefix(0)
            let trained = try Trainer(configuration: configuration).train(network, on: mnist.training, validation: empty, using: &generator)
            // The first epoch (page faults, first-touch of buffers) is reported apart, as the peers do.
            let perEpoch = Self.median(trained.epochs.dropFirst(epochs > 1 ? 1 : 0).map(\.seconds))
            let flops = Double(Self.flopsPerExample(network.sizes) * mnist.training.count)
            let gflops = flops / perEpoch / 1e9
            let test = Evaluation(network: trained.network, on: mnist.test)
            let evaluateSeconds = Self.time(repeats: 5) { _ = Evaluation(network: trained.network, on: mnist.test) }
            let image = Array(mnist.test.image(0))
            let predictSeconds = Self.time(repeats: 2000) { _ = trained.network.prediction(forBytes: image) }
            let dense = config == .W ? Self.denseProductRate(threads: threads) : nil
            let bf16Dense = config == .W ? Self.bf16DenseProductRate(threads: threads) : nil
            var result: [String: Any] = [
                "config": config.rawValue, "threads": threads, "kernel": Float.gemmKernelName, "precision": precision.rawValue,
                "epochs": epochs, "seconds_per_epoch": perEpoch,
                "first_epoch_seconds": trained.epochs[0].seconds,
                "examples_per_second": Double(mnist.training.count) / perEpoch, "gflops": gflops,
                "percent_of_peak": 100 * gflops / (precision == .bfloat16 ? bf16Peak : peak), "peak_rss_mb": Self.peakResidentMegabytes(),
                "test_accuracy": test.accuracy, "evaluate_test_ms": evaluateSeconds * 1000,
                "predict_one_us": predictSeconds * 1e6, "load_seconds": loadSeconds, "peak_gflops": peak,
                "bf16_family": bf16Family, "bf16_peak_gflops": bf16Peak,
            ]
            if let bf16Dense {
                result["bf16_dense_products_gflops"] = bf16Dense
                result["bf16_dense_products_percent_of_bf16_peak"] = 100 * bf16Dense / bf16Peak
            }
            if let dense {
                result["dense_products_gflops"] = dense
                result["dense_products_percent_of_peak"] = 100 * dense / peak
            }
            results.append(result)
            let productPeak = precision == .bfloat16 ? bf16Peak : peak
            console.say(String(format: "%@ %@ (%@): %.4f s/epoch, %.0f examples/s, %.1f effective GFLOP/s (%.0f%% of %@peak), peak RSS %.0f MB, "
                               + "test accuracy %.2f%% after %d epochs; evaluate 10,000: %.1f ms; predict one: %.1f µs",
                               config.rawValue, network.sizes.map(String.init).joined(separator: "-"), precision.rawValue, perEpoch,
                               Double(mnist.training.count) / perEpoch, gflops, 100 * gflops / productPeak,
                               precision == .bfloat16 ? "the bfloat16 " : "", Self.peakResidentMegabytes(),
                               test.accuracy * 100, epochs, evaluateSeconds * 1000, predictSeconds * 1e6))
            if let bf16Dense {
                console.say(String(format: "%@ the same products in bfloat16 (%@): %.1f GFLOP/s (%.0f%% of the bfloat16 peak)",
                                   config.rawValue, bf16Family, bf16Dense, 100 * bf16Dense / bf16Peak))
            }
            if let dense {
                console.say(String(format: "%@ dense products alone (128x800 by 800x800: forward, weight gradient, deltas): %.1f GFLOP/s (%.0f%% of peak)",
                                   config.rawValue, dense, 100 * dense / peak))
            }
        }
        if output.json {
            if results.count == 1, let only = results.first { Format.printJSON(only) } else { Format.printJSON(["results": results]) }
        }
    }

    /// Multiply-adds of one example's forward and backward pass, counted as 2 FLOPs each: forward
    /// and weight gradient for every layer, δ for every layer but the first.
    static func flopsPerExample(_ sizes: [Int]) -> Int {
        let products = zip(sizes, sizes.dropFirst()).map { $0 * $1 }
        return 2 * (2 * products.reduce(0, +) + products.dropFirst().reduce(0, +))
    }

    static func measurePeak(threads: Int, loop: @Sendable (Int, UnsafeMutablePointer<Double>) -> Int = descent_fma_peak) -> Double {
        let iterations = 20_000_000
        let start = DispatchTime.now().uptimeNanoseconds
        let total = FlopCounter()
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var sink = 0.0
            total.add(loop(iterations, &sink))
        }
        return Double(total.value) / seconds(since: start) / 1e9
    }

    /// GFLOP/s of the three products of a 800x800 layer's training step at batch 128, in the
    /// shapes training calls them: z = x·Wᵀ, W += δᵀ·x, δ·W; the median of 20 rounds after 3 unmeasured.
    static func denseProductRate(threads: Int) -> Double {
        var generator = SplitMix64(seed: 1)
        func random(_ rows: Int, _ columns: Int) -> Matrix<Float> {
            var matrix = Matrix<Float>(rows: rows, columns: columns)
            for index in matrix.elements.indices { matrix.elements[index] = Float(generator.uniformDouble() - 0.5) }
            return matrix
        }
        let x = random(128, 800), delta = random(128, 800)
        var weights = random(800, 800), z = Matrix<Float>(rows: 128, columns: 800), back = z
        var samples: [Double] = []
        for round in 0..<23 {
            let start = DispatchTime.now().uptimeNanoseconds
            Matrix.multiply(x, .none, weights, .transposed, into: &z, threads: threads)
            Matrix.multiply(delta, .transposed, x, .none, into: &weights, alpha: -1e-6, beta: 1, threads: threads)
            Matrix.multiply(delta, .none, weights, .none, into: &back, threads: threads)
            if round >= 3 { samples.append(seconds(since: start)) }
        }
        return 3 * 2 * 128 * 800 * 800 / median(samples) / 1e9
    }

    /// The same three products in bfloat16 (operands rounded to bfloat16, sums in float32), as
    /// training computes them with `--precision bf16`: cut into column blocks over `threads`.
    static func bf16DenseProductRate(threads: Int) -> Double {
        ProductPrecision.with(.bfloat16) { denseProductRate(threads: threads) }
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The median time of one call of `body`, over `repeats` calls.
    static func time(repeats: Int, _ body: () -> Void) -> Double {
        var samples: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            samples.append(seconds(since: start))
        }
        return median(samples)
    }

    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / (1024 * 1024)  // bytes on Darwin
        #endif
    }
}

/// Adds up FLOP counts from several threads.
private final class FlopCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ count: Int) { lock.lock(); total += count; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return total }
}
