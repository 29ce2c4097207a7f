// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "netviz",
    products: [
        .library(name: "NetViz", targets: ["NetViz"]),
        .executable(name: "netviz", targets: ["netviz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/google/swift-benchmark", from: "0.1.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // Graphviz's cgraph/gvc, from Debian's libgraphviz-dev.
        .systemLibrary(
            name: "CGraphviz",
            path: "Sources/CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev", "pkg-config"])]
        ),
        // HDF5's C library (Keras 2 .h5 files, the weights in .keras archives), from Debian's libhdf5-dev: the
        // serial build's header (/usr/include/hdf5/serial), the library opened with dlopen on first use
        // (Sources/CHDF5/shim.h says why), so nothing is linked and no pkg-config is needed.
        .systemLibrary(
            name: "CHDF5",
            path: "Sources/CHDF5"
        ),
        // The library: graph, layers, formats, analysis, reports, plot, executor, zoo.
        .target(
            name: "NetViz",
            dependencies: [
                "CGraphviz", "CHDF5",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // The command-line tool: a thin layer over NetViz.
        .executableTarget(
            name: "netviz",
            dependencies: [
                "NetViz",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The article's model written in the Swift DSL.
        .target(name: "ArticleMobileNet", dependencies: ["NetViz"], path: "Examples/ArticleMobileNet"),
        .executableTarget(name: "article-mobilenet", dependencies: ["ArticleMobileNet"], path: "Examples/article-mobilenet"),
        // In-process benchmarks (make bench).
        // The benchmark runner (make bench): whole-process timings, scaling, peers, in-process figures.
        .executableTarget(
            name: "netviz-bench",
            dependencies: ["NetViz", .product(name: "Benchmark", package: "swift-benchmark")],
            path: "Tools/Bench",
            swiftSettings: [.swiftLanguageMode(.v5)]  // swift-benchmark's registry is a global var
        ),
        .testTarget(
            name: "NetVizTests",
            dependencies: [
                "NetViz", "ArticleMobileNet", "netviz",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
