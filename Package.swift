// swift-tools-version:6.0
// bert-kernel: a Jupyter kernel for fine-tuning and teaching BERT, in Swift.
// Targets have one job each and dependencies point one way (docs/architecture.md):
//   bert-kernel -> KernelServer -> JupyterKernel -> Display
//               -> CellLanguage -> Bert -> WordPiece, Numerics -> COpenBLAS
//                               -> TextDatasets, Plotting, Display
import PackageDescription

// Swift 5 language mode: the kernel shares one session between the shell thread and the
// control thread with explicit locks and atomics; full Sendable checking of the numeric
// buffers would cost more ceremony than it buys at this stage.
//
// On x86-64 the Swift code is compiled for AVX2 (`-target-cpu haswell`, any x86-64 CPU since
// 2013-2015): without it the elementwise kernels (GELU, softmax, LayerNorm, dropout, AdamW)
// vectorise for SSE2 only, at half the width; results do not change, because the compiler
// contracts nothing into fused multiply-adds without fast-math, and where the code fuses on
// purpose (`addingProduct` in SmallMatrixProduct) a baseline build calls libm's exact `fmaf`
// instead of `vfmadd`: slower, the same bits. OpenBLAS picks its own kernels at run time.
// `BERT_KERNEL_TARGET_CPU=x86-64 make ...` builds for older CPUs.
let targetCPU: String? = {
    #if arch(x86_64)
    let requested = Context.environment["BERT_KERNEL_TARGET_CPU"] ?? "haswell"
    return requested.isEmpty ? nil : requested
    #else
    return nil
    #endif
}()
let swiftSettings: [SwiftSetting] = targetCPU.map { [.unsafeFlags(["-target-cpu", $0])] } ?? []

let package = Package(
    name: "bert-kernel",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bert-kernel", targets: ["bert-kernel"]),
        // The libFuzzer targets as one program (`make fuzz`); a plain build replays inputs.
        .executable(name: "bert-fuzz", targets: ["bert-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries, each imported by exactly one Swift target.
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // zlib (deflate, crc32) and FreeType (glyphs) for Plotting's PNG backend.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        // Open MPI 4.1 for data-parallel runs under mpirun (Debian libopenmpi-dev; openmpi-bin has mpirun).
        .systemLibrary(name: "CMPI", pkgConfig: "ompi", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        // Open MPI's help texts from a rank written to its own stderr, not relayed to a mpirun that may
        // never answer (include/show_help.h). Linked against libopen-rte, whose function it replaces:
        // only then does the linker export it from the executable for the dynamic linker to find.
        .target(name: "CMPIShowHelp", linkerSettings: [.linkedLibrary("open-rte")]),
        // cpuid and xgetbv, which Swift cannot issue: what the CPU runs, to pick OpenBLAS's kernels.
        .target(name: "CCPUID"),
        // renameat2(2) from glibc, which Swift's Glibc module hides: save's atomic directory swap.
        .systemLibrary(name: "CRenameExchange"),

        // The one JSON reader: JSON read exactly as written (ordered members, raw keys, numbers as
        // text) for every file (safetensors header, config.json, tokenizer files, JSON Lines) and,
        // under Display's `JSON`, the wire.
        .target(name: "ExactJSON", swiftSettings: swiftSettings),
        // JSON values, MIME bundles, HTML escaping and the output sink a cell writes to. No Jupyter, no BERT.
        .target(name: "Display", dependencies: ["ExactJSON"], swiftSettings: swiftSettings),
        // Buffers, BLAS (only importer of COpenBLAS and CCPUID: the core OpenBLAS runs), elementwise
        // kernels, safetensors, RNG.
        .target(name: "Numerics", dependencies: ["COpenBLAS", "CCPUID", "ExactJSON"], swiftSettings: swiftSettings),
        // BertTokenizer: basic + WordPiece, encodings. No tensors.
        .target(name: "WordPiece", dependencies: ["ExactJSON"], swiftSettings: swiftSettings),
        // Datasets from CSV/TSV/JSONL, label maps, splits, the embedded demo data, metrics.
        // Its own RFC 4180 parser: SwiftCSV 0.10.0 cannot report ragged rows or line numbers and
        // rejects the raw quotes of GLUE TSVs (see DelimitedTextParser.swift).
        .target(name: "TextDatasets", dependencies: ["Numerics", "ExactJSON"], swiftSettings: swiftSettings),
        // Figures rendered to SVG and PNG. No BERT. Display for its markup escaping (`HTML.escape`).
        .target(name: "Plotting", dependencies: ["Display", "CZlib", "CFreeType"], swiftSettings: swiftSettings),
        // The Hugging Face hub: files of a repository into huggingface_hub's cache layout, over the
        // toolchain's URLSession (FoundationNetworking, libcurl at run time: Debian's libcurl4).
        // The only importer of FoundationNetworking.
        .target(name: "HuggingFaceHub", dependencies: ["ExactJSON", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swiftSettings),
        // Config, parameters, layers (forward + backward), heads, checkpoints, optimizer, trainer.
        .target(name: "Bert", dependencies: ["Numerics", "WordPiece", "TextDatasets", "ExactJSON", "HuggingFaceHub",
                                            .target(name: "CRenameExchange", condition: .when(platforms: [.linux]))], swiftSettings: swiftSettings),
        // The cell language: lexer, parser, command registry, session. No Jupyter.
        .target(name: "CellLanguage",
                dependencies: ["Display", "Bert", "Numerics", "WordPiece", "TextDatasets", "Plotting", "HuggingFaceHub"],
                swiftSettings: swiftSettings),
        // A front end: a .bert script or a notebook's code cells run headlessly in one engine,
        // written to a terminal (`bert-kernel run`). The engine itself knows no files or terminals.
        .target(name: "HeadlessRun", dependencies: ["CellLanguage", "Display", "ExactJSON"], swiftSettings: swiftSettings),
        // MPI_COMM_WORLD as a Numerics.ProcessGroup plus byte broadcast and gather; the only importer
        // of CMPI. Only the executable uses it, and only under mpirun. CMPIShowHelp is linked, not imported.
        .target(name: "MessagePassing", dependencies: ["CMPI", "CMPIShowHelp", "Numerics"], swiftSettings: swiftSettings),
        // Jupyter messages, wire codec, HMAC, dispatch. No ZeroMQ, no BERT.
        .target(name: "JupyterKernel",
                dependencies: ["Display", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swiftSettings),
        // The only importer of CZeroMQ: sockets, threads, heartbeat.
        .target(name: "KernelServer", dependencies: ["JupyterKernel", "Display", "CZeroMQ"], swiftSettings: swiftSettings),
        .executableTarget(name: "bert-kernel",
                          dependencies: ["KernelServer", "JupyterKernel", "CellLanguage", "HeadlessRun", "Bert", "Display", "Plotting",
                                         "Numerics", "WordPiece", "TextDatasets", "ExactJSON", "MessagePassing",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: swiftSettings),

        // Fuzz targets: the wire codec, the cell parser, safetensors, pytorch_model.bin, CSV/TSV/JSONL and config.json,
        // each a function from bytes to accepted or rejected. `bert-fuzz` runs them under libFuzzer
        // when built with `-sanitize=fuzzer -DFUZZING` (`make fuzz`), and replays files otherwise;
        // CFuzzerDriver declares libFuzzer's `LLVMFuzzerRunDriver` for it.
        .target(name: "FuzzTargets",
                dependencies: ["JupyterKernel", "CellLanguage", "Numerics", "TextDatasets", "Bert", "Display"],
                swiftSettings: swiftSettings),
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "bert-fuzz", dependencies: ["FuzzTargets", "CFuzzerDriver"], swiftSettings: swiftSettings),

        // Closeness asserts, gradient checks, fixture paths, a recording output sink, temporary directories.
        .target(name: "TestSupport", dependencies: ["Numerics", "Display"], path: "Tests/TestSupport"),
        .testTarget(name: "NumericsTests", dependencies: ["Numerics", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "WordPieceTests", dependencies: ["WordPiece", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BertTests", dependencies: ["Bert", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TextDatasetsTests", dependencies: ["TextDatasets", "TestSupport"]),
        .testTarget(name: "HuggingFaceHubTests", dependencies: ["HuggingFaceHub"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "CZlib", "TestSupport"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "CellLanguageTests", dependencies: ["CellLanguage", "Bert", "Display", "ExactJSON", "Numerics",
                                                             "TextDatasets", "TestSupport"]),
        .testTarget(name: "HeadlessRunTests", dependencies: ["HeadlessRun", "Display", "TestSupport"]),
        .testTarget(name: "JupyterKernelTests", dependencies: ["JupyterKernel", "TestSupport"]),
        .testTarget(name: "KernelServerTests", dependencies: ["KernelServer", "JupyterKernel"]),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets"], exclude: ["Corpus"]),
    ],
    swiftLanguageModes: [.v5]
)
