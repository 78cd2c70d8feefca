import ArgumentParser
import DescentLinearAlgebra
import DescentNetwork

struct GradcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check backpropagation against finite differences, in Float64.",
        discussion: """
            For every hidden activation, output activation and cost, a small random network and batch \
            are drawn; the gradient from the backpropagation that trains is compared, parameter by \
            parameter, with centred finite differences (Richardson-extrapolated). The relative error of a \
            component is |backprop − numeric| / max(|backprop|, |numeric|, 1e-7).
            """)

    @Option(help: "Seeds the random networks and batches.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Layer sizes of the small network.", valueName: "sizes"))
    var layers: LayerSizes = LayerSizes(argument: "7,5,4,3")!

    @Option(name: .customLong("batch-size"), help: "Examples in the random batch.")
    var batchSize: Int = 4

    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        guard batchSize >= 1, batchSize <= 1000 else { throw ValidationError("--batch-size \(batchSize): expected 1 to 1000") }
        guard layers.sizes.allSatisfy({ $0 <= 64 }) else { throw ValidationError("--layers: sizes up to 64 keep the check quick") }
    }

    mutating func run() throws {
        var generator = SplitMix64(seed: seed)
        let check = GradientCheck.run(sizes: layers.sizes, batchSize: batchSize, using: &generator)
        if output.json {
            Format.printJSON([
                "max_relative_error": check.maxRelativeError,
                "cases": check.cases.map { ["hidden": $0.hidden.rawValue, "output": $0.output.rawValue, "cost": $0.cost.rawValue,
                                            "max_relative_error": $0.maxRelativeError, "parameters": $0.parameterCount] },
            ])
            return
        }
        emit("Backpropagation vs centred differences, Float64, network \(layers.sizes.map(String.init).joined(separator: "-")), batch \(batchSize):")
        for item in check.cases {
            let name = "\(item.hidden.rawValue) hidden, \(item.output.rawValue) output, \(item.cost.rawValue)"
            emit("  \(name.padding(toLength: 46, withPad: " ", startingAt: 0)) max relative error \(String(format: "%.2e", item.maxRelativeError))")
        }
        emit("Worst relative error: \(String(format: "%.2e", check.maxRelativeError)) (\(check.maxRelativeError <= 1e-6 ? "within" : "OVER") 1e-6)")
        if check.maxRelativeError > 1e-6 { throw ExitCode.failure }
    }
}
