// swift-tools-version:6.0
// libFuzzer target for netviz's Keras importer (issue 6). Kept out of the main package so `swift test` never builds it.
// Every module is built with -sanitize=fuzzer,address (run.sh passes it), so coverage reaches NetViz.
// Build and run with `make fuzz` from the project root (Tools/fuzz/run.sh).
import PackageDescription

let package = Package(
    name: "netviz-fuzz",
    dependencies: [.package(name: "netviz", path: "../..")],
    targets: [
        .executableTarget(
            name: "netviz-fuzz",
            dependencies: [.product(name: "NetViz", package: "netviz")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ],
    swiftLanguageModes: [.v6]
)
