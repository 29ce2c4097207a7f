// The benchmark runner behind `make bench` (Docs/benchmarks.md).
//   netviz-bench run [--smoke] [--peers PYTHON] [--docs FILE]   every figure; writes the doc when asked
//   netviz-bench micro [swift-benchmark options]                 in-process figures
//   netviz-bench scale-one KIND LAYERS OUT                       one scaling point (a child of `run`)
//   netviz-bench plot-one LAYERS SETTING OUT                     one chain layout (a child of `run`)
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "micro":
        Micro.run(Array(arguments.dropFirst()))
    case "scale-one":
        guard arguments.count == 4, let layers = Int(arguments[2]) else { throw BenchError("usage: scale-one KIND LAYERS OUT") }
        try Scaling.runChild(kind: arguments[1], layers: layers, output: arguments[3])
    case "plot-one":
        guard arguments.count == 4, let layers = Int(arguments[1]) else { throw BenchError("usage: plot-one LAYERS SETTING OUT") }
        try PlotScaling.runChild(layers: layers, setting: arguments[2], output: arguments[3])
    case "run":
        var runner = Runner()
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            switch argument {
            case "--smoke": runner.smoke = true
            case "--peers": runner.python = rest.popFirst()
            case "--onnx-peer": runner.onnxPython = rest.popFirst()
            case "--docs": runner.docsPath = rest.popFirst()
            default: throw BenchError("unknown option \(argument)")
            }
        }
        try runner.run()
    default:
        throw BenchError("usage: netviz-bench run [--smoke] [--peers PYTHON] [--docs FILE] | micro | scale-one KIND LAYERS OUT")
    }
} catch {
    FileHandle.standardError.write(Data("netviz-bench: \(error)\n".utf8))
    exit(1)
}
