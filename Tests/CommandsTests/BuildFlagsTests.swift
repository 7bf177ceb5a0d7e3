import AllianceTestSupport
import Foundation
import Testing

/// `Scripts/cpu-flags.sh`, which `make release` compiles with: the x86-64-v3 flags only for a processor with every
/// feature that level adds (a binary built with them would die on the first missing one), nothing otherwise.
@Suite("release build flags")
struct BuildFlagsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// An AMD Zen 4's flags line, as /proc/cpuinfo shows it (tab before the colon).
    static let zen4 = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall "
        + "nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid tsc_known_freq pni "
        + "pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm "
        + "cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext perfctr_core ssbd ibrs ibpb stibp vmmcall "
        + "fsgsbase bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd "
        + "sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves avx512_bf16 clzero xsaveerptr"

    /// The script's output for a cpuinfo file with this flags line (nil: a file without one).
    static func flags(for line: String?) throws -> String {
        let file = (try temporaryDirectory("cpuflags") as NSString).appendingPathComponent("cpuinfo")
        try ("processor\t: 0\nvendor_id\t: AuthenticAMD\n" + (line.map { "flags\t\t: \($0)\n" } ?? "")
             + "bugs\t\t: sysret_ss_attrs\n\nprocessor\t: 1\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = try AllianceExecutable.run("/bin/bash", [Self.root.appendingPathComponent("Scripts/cpu-flags.sh").path, file])
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func x86_64_v3OnlyWithEveryFeature() throws {
        #if arch(x86_64) && os(Linux)
        #expect(try Self.flags(for: Self.zen4) == "-Xswiftc -target-cpu -Xswiftc haswell -Xcc -DALLIANCE_X86_64_V3")
        // Without any one of the features the level needs: the portable default.
        for missing in ["avx2", "fma", "bmi2", "movbe", "abm", "sse4_2"] {
            let line = Self.zen4.split(separator: " ").filter { $0 != missing }.joined(separator: " ")
            #expect(try Self.flags(for: line) == "", "without \(missing)")
        }
        // A feature's name inside a longer one does not count (avx512f is not avx).
        let line = Self.zen4.split(separator: " ").filter { $0 != "avx" }.joined(separator: " ")
        #expect(try Self.flags(for: line) == "")
        // No flags line at all (a container's trimmed cpuinfo): the portable default, and still exit status 0.
        #expect(try Self.flags(for: nil) == "")
        #else
        #expect(try Self.flags(for: Self.zen4) == "")
        #endif
    }
}
