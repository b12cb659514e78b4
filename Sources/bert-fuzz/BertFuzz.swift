import Foundation
import FuzzTargets
#if FUZZING
import CFuzzerDriver
#endif

/// `bert-fuzz TARGET ...`: the fuzz targets of `FuzzTargets` as one program (targets: wire, cell,
/// safetensors, csv, jsonl, config).
///
/// A plain build (`swift build`) replays files through a target, e.g. to re-run a crash that
/// libFuzzer saved, or the committed corpus:
///
///     .build/debug/bert-fuzz csv Tests/FuzzTargetsTests/Corpus/csv crash-1234
///
/// The fuzzing build (`make fuzz`: `-sanitize=fuzzer,address -DFUZZING`, scratch path
/// `.build-fuzz`) hands everything after TARGET to libFuzzer:
///
///     .build-fuzz/debug/bert-fuzz wire -max_total_time=60 build/fuzz/wire Tests/FuzzTargetsTests/Corpus/wire
///
/// Why one program with its own `main` that calls `LLVMFuzzerRunDriver`, rather than letting
/// libFuzzer own `main`: SwiftPM 6.3 compiles an executable target's entry point as
/// `bert_fuzz_main` and links it with `--defsym main=bert_fuzz_main` (Linux, `swift build -v`
/// shows both), and `--defsym` wins over the `main` of libFuzzer's FuzzerMain.o, which swiftc's
/// `-sanitize=fuzzer` links whole. So our `main` runs in both builds, and a plain
/// `swift build`/`swift test` builds this target like any other. The target is then a
/// command-line argument, not one product per target, and only the call into libFuzzer differs.
/// `LLVMFuzzerTestOneInput` is still exported (FuzzerMain.o refers to it, so the link needs it)
/// and is the callback handed to the driver. libFuzzer's fork and merge modes re-run the program
/// with libFuzzer's flags only, so the chosen target also travels in `BERT_FUZZ_TARGET`.
@main
enum BertFuzz {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let name: String
        if let first = arguments.first, !first.hasPrefix("-") {
            name = first
            arguments.removeFirst()
        } else if let fromEnvironment = ProcessInfo.processInfo.environment["BERT_FUZZ_TARGET"] {
            name = fromEnvironment
        } else {
            usage("no target given")
        }
        guard let target = FuzzTarget(rawValue: name) else { usage("unknown target '\(name)'") }
        setenv("BERT_FUZZ_TARGET", name, 1)
        #if FUZZING
        fuzz(target, dropping: CommandLine.arguments.count - 1 - arguments.count)
        #else
        replay(target, arguments)
        #endif
    }

    static func usage(_ problem: String) -> Never {
        let targets = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("""
            bert-fuzz: \(problem)
            usage: bert-fuzz TARGET [FILE|DIRECTORY ...]     (plain build: replay inputs)
                   bert-fuzz TARGET [LIBFUZZER FLAGS] [CORPUS ...]  (built with -DFUZZING)
            targets: \(targets)

            """.utf8))
        exit(64)
    }

    /// Runs every file (directories: their files, sorted) through `target` once.
    static func replay(_ target: FuzzTarget, _ paths: [String]) {
        guard !paths.isEmpty else { usage("nothing to replay; give files or directories") }
        var counts = (accepted: 0, rejected: 0)
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("bert-fuzz: no such file or directory: \(path)\n".utf8))
                exit(1)
            }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? [])
                    .sorted { $0.path < $1.path }
                : [url]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file.path) else { continue }
                switch target.run([UInt8](data)) {
                case .accepted:
                    counts.accepted += 1
                    print("\(file.path): accepted")
                case .rejected(let reason):
                    counts.rejected += 1
                    print("\(file.path): rejected: \(reason.prefix(200))")
                }
            }
        }
        print("\(target.rawValue): \(counts.accepted) accepted, \(counts.rejected) rejected with an error, no crash")
    }

    #if FUZZING
    /// The target libFuzzer's callback runs (a C function pointer cannot capture it).
    nonisolated(unsafe) static var selected = FuzzTarget.wire

    /// Hands argv, without the target name, to libFuzzer; never returns.
    static func fuzz(_ target: FuzzTarget, dropping dropped: Int) -> Never {
        selected = target
        let original = CommandLine.unsafeArgv
        var kept: [UnsafeMutablePointer<CChar>?] = [original[0]]
        for index in (1 + dropped)..<Int(CommandLine.argc) { kept.append(original[index]) }
        kept.append(nil)
        var argc = Int32(kept.count - 1)
        let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: kept.count)
        argv.initialize(from: kept, count: kept.count)  // libFuzzer keeps it for the whole run
        var argvPointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        let status = LLVMFuzzerRunDriver(&argc, &argvPointer) { data, size in fuzzOneInput(data, size) }
        exit(status)
    }
    #endif
}

#if FUZZING
/// One input through the selected target (libFuzzer ignores the return value; 0 is required).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 || data == nil ? [] : [UInt8](UnsafeBufferPointer(start: data, count: size))
    _ = BertFuzz.selected.run(bytes)
    return 0
}
#endif
