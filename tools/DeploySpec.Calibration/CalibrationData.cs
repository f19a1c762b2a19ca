using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Calibration
{
    /// <summary>What a measurement measured.</summary>
    public enum Metric
    {
        /// <summary>Output tokens per second of the whole engine.</summary>
        Throughput,
        /// <summary>Mean time to first token, ms.</summary>
        TimeToFirstToken,
        /// <summary>Mean inter-token latency, ms.</summary>
        InterTokenLatency,
        /// <summary>Mean end-to-end latency of a request (first token plus the rest), ms.</summary>
        RequestLatency,
    }

    /// <summary>
    /// One measured figure: a deployment pinned to one plan, the load it ran at (<see cref="Concurrency"/> requests in
    /// flight, or 0 for an offline run at maximum load), what was measured and its value. <see cref="File"/> and the
    /// group keys drive the per-file errors and the leave-one-group-out cross-validation.
    /// </summary>
    public sealed record CalibrationPoint(string File, string Label, DeploymentSpec Deployment, int Concurrency, Metric Metric, double Measured)
    {
        /// <summary>The GPU as the file names it (H100, H200, B200).</summary>
        public string GpuGroup { get; init; } = "";

        /// <summary>Where the figure was published (a published row's source column; the shared files' own README otherwise).</summary>
        public string Source { get; init; } = "";

        /// <summary>The model size group by total parameters: "up to 10B", "10B-100B", "over 100B".</summary>
        public string SizeGroup
        {
            get
            {
                double parameters = ModelMath.TotalParameters(Deployment.Model);
                return parameters <= 10e9 ? "up to 10B" : parameters <= 100e9 ? "10B-100B" : "over 100B";
            }
        }

        /// <summary>True for a mixture-of-experts model.</summary>
        public bool IsMoe => Deployment.Model.IsMoe;

        /// <summary>True for an offline maximum-throughput figure (every request queued at once, no concurrency stated).</summary>
        public bool IsOfflineThroughput => Concurrency == 0 && Metric == Metric.Throughput;

        /// <summary>The serving engine that ran it.</summary>
        public ServingEngine Engine => Deployment.Engine;

        /// <summary>The weights' format.</summary>
        public Precision Weights => Deployment.Model.Weights;
    }

    /// <summary>
    /// The measurements the cost model is fitted to, and nothing else: ../shared/calibration (copied here and checked
    /// identical by a test: TensorRT-LLM 0.17 offline maximum-throughput runs on Hopper (FP8), TensorRT-LLM 0.19 runs on
    /// B200 (FP4 weights, FP8 KV), latency against concurrency (NIM 1.8.0 on 2 x H100, and single-request TTFT from
    /// TensorRT-LLM 0.9 on 4 x H200), the seed scenario's published ratios), and the cited rows of published/*.csv
    /// (published/README.md).
    /// </summary>
    public static class CalibrationData
    {
        public const string HopperFile = "trtllm-offline-max-throughput.csv";

        /// <summary>The published rows of TensorRT-LLM's performance overview (published/README.md).</summary>
        public const string PerfOverviewFile = "trtllm-perf-overview.csv";

        /// <summary>InferenceX's SGLang runs (published/README.md).</summary>
        public const string InferenceXOnlineFile = "inferencex-online.csv";

        /// <summary>InferenceX's <c>trtllm-serve</c> runs of the same benchmark (published/README.md).</summary>
        public const string InferenceXTrtllmServeFile = "inferencex-trtllm-serve.csv";

        /// <summary>
        /// The least output throughput of a closed-loop run, as a share of its concurrency over its own mean inter-token
        /// latency, that the fit takes as the engine's: below it, every request of the run waited seconds for its first
        /// token (a mean of 5.6-12.9 s in the 18 InferenceX figures below it; for the 17 SGLang ones a stall of the run,
        /// published/README.md "Stalled runs"). The other 239 InferenceX pairs lie at 0.88-0.98 (the first token's wait
        /// and the benchmark's drain). Such a throughput figure is kept out of the fit (check/inferencex-stalled.csv)
        /// and its inter-token latency stays in; the rule is on the figures, not on the model's error.
        /// </summary>
        public const double StalledThroughputShare = 0.85;

        /// <summary>
        /// The requests <c>trtllm-bench throughput</c> ran for an offline figure of the performance overview (and of the
        /// shared 0.17 and 0.19 files, the same workflow): the pages' own <c>$num_requests</c> table, every request of
        /// uniform length queued at once. Releases 0.17 to 1.0 (e.g. NVIDIA/TensorRT-LLM@00f37686
        /// docs/source/performance/perf-overview.md, "Preparing a Dataset"): 128/128 30000, 128/2048 3000, 128/4096 1500,
        /// 1000/2000 1500, 2048/128 3000, 2048/2048 1500, 5000/500 1500, 1000/1000 3000, 500/2000 3000, 20000/2000 1000;
        /// 1.1 and 1.2 (NVIDIA/TensorRT-LLM@03e27c7d docs/source/developer-guide/perf-overview.md): 1024/1024 3000,
        /// 8192/1024 1500, 1024/8192 1500, 32768/1024 1000, 1024/32768 1000. 1024/2048 (the 0.20 and 0.21 pages) is in
        /// no table: it is read as its near twin 1000/2000 (1500), which the pages' own figures support: on the 0.20 page
        /// the two lie within 0.2-2.1% of each other in 7 of 8 configurations (1024/2048 the lower, as its 2.4% more
        /// tokens per request would make it at equal counts; Llama 4 Maverick on H100 +9.7%), where a steady state
        /// would put 1024/2048 above 1000/2000 by the last waves' slowdown. 0 where no table names the lengths (the
        /// figure is then read as the steady state at capacity).
        /// </summary>
        public static int BenchmarkRequests(CalibrationPoint point)
        {
            if (point.Concurrency != 0 || point.Metric != Metric.Throughput ||
                (point.File != HopperFile && point.File != BlackwellFile && point.File != PerfOverviewFile))
            {
                return 0;
            }

            return (point.Deployment.InputTokens, point.Deployment.OutputTokens) switch
            {
                (128, 128) => 30000,
                (128, 2048) or (2048, 128) or (1000, 1000) or (500, 2000) or (1024, 1024) => 3000,
                (128, 4096) or (1000, 2000) or (1024, 2048) or (2048, 2048) or (5000, 500) or (8192, 1024) or (1024, 8192) => 1500,
                (20000, 2000) or (32768, 1024) or (1024, 32768) => 1000,
                _ => 0,
            };
        }
        public const string BlackwellFile = "trtllm-b200-fp4-throughput.csv";
        public const string LatencyFile = "latency.csv";

        /// <summary>The files, in the order reports list them.</summary>
        public static readonly string[] Files = { HopperFile, BlackwellFile, LatencyFile };

        /// <summary>The seed: TP8 gives 5.6x the per-user speed of PP8 at one request.</summary>
        public const double SeedMinLatencySpeedRatio = 5.6;

        /// <summary>The seed: PP8 gives 1.5x the node throughput of TP8 at maximum load.</summary>
        public const double SeedMaxThroughputRatio = 1.5;

        /// <summary>The seed: TP8's maximum-throughput cell, reported as about 506 output tok/s for the node.</summary>
        public const double SeedTp8MaxThroughput = 506.0;

        /// <summary>The seed deployment: Llama 3.1 405B FP8 on 8 x H200 SXM, 2048 in / 128 out, TensorRT-LLM.</summary>
        public static DeploymentSpec Seed(int tensorParallel, int pipelineParallel) => new()
        {
            Name = "Seed",
            Model = ModelCatalog.Llama31_405B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 },
            Cluster = new ClusterSpec { Name = "HgxH200", Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 1 },
            InputTokens = 2048,
            OutputTokens = 128,
            Engine = ServingEngine.TensorRtLlm,
            MemoryFraction = 0.95,
            TensorParallel = tensorParallel,
            PipelineParallel = pipelineParallel,
        };

        /// <summary>Every measurement: the three shared files, then each published-rows file (published/*.csv, by name).</summary>
        public static IReadOnlyList<CalibrationPoint> All() =>
            TrtLlmOfflineMaxThroughput().Concat(BlackwellFp4Throughput()).Concat(Latency())
                .Concat(PublishedFiles.SelectMany(file => ParsePublished(Read(PublishedPrefix + file), file))).ToList();

        private const string PublishedPrefix = "published.";

        /// <summary>The published-rows files (tools/DeploySpec.Calibration/published/*.csv), in ordinal name order.</summary>
        public static IReadOnlyList<string> PublishedFiles { get; } = ResourceFiles(PublishedPrefix);

        private const string CheckPrefix = "check.";

        /// <summary>
        /// Published rows kept out of the fit (tools/DeploySpec.Calibration/check/*.csv, in the published rows' format,
        /// by name): measured conditions the model does not yet separate, reported as figures the fit never saw.
        /// </summary>
        public static IReadOnlyList<string> CheckFiles { get; } = ResourceFiles(CheckPrefix);

        /// <summary>The embedded files under one folder's resource prefix, in ordinal name order.</summary>
        private static IReadOnlyList<string> ResourceFiles(string prefix) => typeof(CalibrationData).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("DeploySpec.Calibration." + prefix, StringComparison.Ordinal))
            .Select(n => n.Substring(("DeploySpec.Calibration." + prefix).Length))
            .OrderBy(n => n, StringComparer.Ordinal).ToList();

        /// <summary>The rows of one file of <see cref="CheckFiles"/> (never part of <see cref="All"/>).</summary>
        public static IReadOnlyList<CalibrationPoint> Check(string file) => ParsePublished(Read(CheckPrefix + file), file);

        /// <summary>The rows of trtllm-offline-max-throughput.csv.</summary>
        public static IReadOnlyList<CalibrationPoint> TrtLlmOfflineMaxThroughput() => Parse(Read(HopperFile), HopperFile);

        /// <summary>The rows of trtllm-b200-fp4-throughput.csv.</summary>
        public static IReadOnlyList<CalibrationPoint> BlackwellFp4Throughput() => Parse(Read(BlackwellFile), BlackwellFile);

        /// <summary>The figures of latency.csv: TTFT, ITL and throughput per NIM row; TTFT only per TensorRT-LLM 0.9 row.</summary>
        public static IReadOnlyList<CalibrationPoint> Latency() => ParseLatency(Read(LatencyFile));

        private static string Read(string file)
        {
            using var stream = typeof(CalibrationData).Assembly.GetManifestResourceStream("DeploySpec.Calibration." + file)
                ?? throw new InvalidOperationException("Calibration data " + file + " is missing from the assembly.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }

        /// <summary>Parses a throughput CSV (header: model,gpu,gpus,tp,pp,precision,isl,osl,output_tokens_per_s).</summary>
        public static IReadOnlyList<CalibrationPoint> Parse(string csv, string file = HopperFile)
        {
            var points = new List<CalibrationPoint>();
            foreach (var (f, line) in Rows(csv, 9))
            {
                var weights = Precisions(f[5], line);
                var deployment = TrtllmBench(Deployment(f[0], f[1], Int(f[2]), Int(f[3]), Int(f[4]), weights, Precision.Fp8, Int(f[6]), Int(f[7]), 0.95, line));
                points.Add(new CalibrationPoint(file, deployment.Name, deployment, 0, Metric.Throughput, Number(f[8]))
                    { GpuGroup = f[1] });
            }

            return points;
        }

        /// <summary>Parses latency.csv (header: source,model,gpu,gpus,tp,pp,weights,kv_cache,isl,osl,concurrency,ttft_ms,itl_ms,output_tokens_per_s).</summary>
        public static IReadOnlyList<CalibrationPoint> ParseLatency(string csv)
        {
            var points = new List<CalibrationPoint>();
            foreach (var (f, line) in Rows(csv, 14))
            {
                // NIM runs TensorRT-LLM with its default KV fraction (0.9); the 0.9 perf-overview runs used the same default.
                var deployment = Deployment(f[1], f[2], Int(f[3]), Int(f[4]), Int(f[5]), Precisions(f[6], line), Precisions(f[7], line), Int(f[8]), Int(f[9]), 0.9, line);
                int concurrency = Int(f[10]);
                string label = f[0] + " " + deployment.Name + " @" + concurrency;
                void Add(Metric metric, string text)
                {
                    if (text.Trim().Length > 0)
                    {
                        points.Add(new CalibrationPoint(LatencyFile, label, deployment, concurrency, metric, Number(text))
                            { GpuGroup = f[2] });
                    }
                }

                Add(Metric.TimeToFirstToken, f[11]);
                Add(Metric.InterTokenLatency, f[12]);
                Add(Metric.Throughput, f[13]);
            }

            return points;
        }

        /// <summary>
        /// Parses a published-rows file (header: source,engine,model,gpu,gpus,tp,pp,ep,weights,kv_cache,isl,osl,
        /// concurrency,output_tokens_per_s,ttft_ms,itl_ms,e2e_ms). An empty concurrency is an offline run at maximum load
        /// (only throughput is meaningful); an empty figure was not published. Every row names its source.
        /// </summary>
        public static IReadOnlyList<CalibrationPoint> ParsePublished(string csv, string file)
        {
            var points = new List<CalibrationPoint>();
            foreach (var (f, line) in Rows(csv, 17))
            {
                if (f[0].Trim().Length == 0)
                {
                    throw new FormatException($"{file} line {line}: every published row names its source.");
                }

                var engine = f[1] switch
                {
                    "TensorRT-LLM" => ServingEngine.TensorRtLlm,
                    "vLLM" => ServingEngine.Vllm,
                    "SGLang" => ServingEngine.Sglang,
                    _ => throw new FormatException($"{file} line {line}: unknown engine {f[1]}."),
                };
                // Each engine at its default memory setting: TensorRT-LLM's benchmarks 0.95 of free memory (trtllm-bench), vLLM 0.90 of total, SGLang its derived static fraction.
                double fraction = engine == ServingEngine.TensorRtLlm ? 0.95 : 0;
                var deployment = Deployment(f[2], f[3], Int(f[4]), Int(f[5]), Int(f[6]), Precisions(f[8], line), Precisions(f[9], line),
                    Int(f[10]), Int(f[11]), fraction, line) with { Engine = engine, ExpertParallel = Int(f[7]) };
                deployment = deployment with { Name = $"{f[1]} {deployment.Name}" + (deployment.ExpertParallel > 1 ? $" EP{deployment.ExpertParallel}" : "") };
                int concurrency = f[12].Trim().Length == 0 ? 0 : Int(f[12]);
                if (engine == ServingEngine.TensorRtLlm && concurrency == 0)
                {
                    deployment = TrtllmBench(deployment);
                }

                if (engine == ServingEngine.Sglang && file == InferenceXOnlineFile)
                {
                    deployment = InferenceXSglang(deployment);
                }

                string label = deployment.Name + (concurrency > 0 ? " @" + concurrency : "");
                void Add(Metric metric, string text)
                {
                    if (text.Trim().Length > 0)
                    {
                        points.Add(new CalibrationPoint(file, label, deployment, concurrency, metric, Number(text)) { GpuGroup = f[3], Source = f[0] });
                    }
                }

                Add(Metric.Throughput, f[13]);
                if (concurrency > 0)
                {
                    Add(Metric.TimeToFirstToken, f[14]);
                    Add(Metric.InterTokenLatency, f[15]);
                    Add(Metric.RequestLatency, f[16]);
                }
            }

            return points;
        }

        /// <summary>
        /// An offline TensorRT-LLM row as trtllm-bench ran it: with the batch limit its tuning sets from the lengths
        /// (tensorrt_llm/bench/build/tuning.py, <c>calc_engine_setting</c> and <c>finetune_setting</c>): the requests
        /// of ISL + OSL tokens that 0.95 of the GPUs' memory less the weights holds (its own estimate: every KV head,
        /// at least one per GPU), capped at 4096, divided by PP and rounded up (to 32 below 256, to 128 below 1024, to
        /// 256 above; at least 64), for each of the PP micro-batches in flight. A deployment without it gets the
        /// engine's serving default (2048).
        /// </summary>
        public static DeploymentSpec TrtllmBench(DeploymentSpec d)
        {
            var model = d.Model;
            // Attention data parallel with expert parallelism (DEP n) ran as trtllm-bench --tp n --ep n; its limit is per rank.
            int tp = Math.Max(d.TensorParallel, d.ExpertParallel), pp = d.PipelineParallel, gpus = tp * pp;
            // trtllm-bench's own table (BYTES_PER_ELEM): FP8 1, NVFP4 0.5, anything else 2 bytes, whatever the format.
            double kvHeadBytes = model.KvCache == Precision.Fp8 ? 1.0 : model.KvCache == Precision.Fp4 ? 0.5 : 2.0;
            double weightBytes = model.Weights == Precision.Fp8 ? 1.0 : model.Weights == Precision.Fp4 ? 0.5 : 2.0;
            double bytesPerToken = 2.0 * model.Layers * Math.Max(tp, model.KeyValueHeads) * model.EffectiveHeadDim * kvHeadBytes;
            double available = GpuCatalog.Of(d.Cluster).MemoryBytes * gpus - ModelMath.TotalParameters(model) * weightBytes;
            double requests = 0.95 * available / (bytesPerToken * (d.InputTokens + d.OutputTokens));
            double raw = Math.Min(requests, 4096) / pp;
            int limit = raw < 256 ? Math.Max(64, 32 * (int)Math.Ceiling(raw / 32)) : raw < 1024 ? 128 * (int)Math.Ceiling(raw / 128) : 256 * (int)Math.Ceiling(raw / 256);
            // Its token budget per iteration (max_num_tokens) from the same estimate: the batch times (1 + ISL/OSL), capped
            // at 32768, rounded up (to 256 below 4096, at least 2048; to 512 below 8192; to 1024 above).
            double rawTokens = Math.Min(raw * (1.0 + d.InputTokens / (double)d.OutputTokens), 32768);
            int tokens = rawTokens < 4096 ? Math.Max(2048, 256 * (int)Math.Ceiling(rawTokens / 256))
                : rawTokens < 8192 ? 512 * (int)Math.Ceiling(rawTokens / 512) : 1024 * (int)Math.Ceiling(rawTokens / 1024);
            // The limit is per micro-batch: a pipeline keeps PP of them in flight.
            return d with { MaxBatchSize = limit * pp, MaxBatchedTokens = tokens };
        }

        /// <summary>
        /// An InferenceX SGLang row as its script launched the server: every script sets <c>--mem-fraction-static</c> and
        /// <c>--chunked-prefill-size</c> (SemiAnalysisAI/InferenceX, <c>benchmarks/dsr1_fp4_b200_docker.sh</c> and
        /// <c>dsr1_fp8_b200_docker.sh</c> of 2025-11 (189ae51c) and 2026-01 (d27433df), <c>benchmarks/single_node/dsr1_*.sh</c>
        /// of 2026-03 (12ba0ae0), the dates of the rows' runs): NVFP4 on B200 0.85 and 16384 tokens; FP8 on B200 0.82 and
        /// 32768 at TP8, 0.95 and 8192 at TP4 (the 2026-03 script); FP8 on H200 0.82 and 32768.
        /// </summary>
        public static DeploymentSpec InferenceXSglang(DeploymentSpec d)
        {
            if (d.Model.Weights == Precision.Fp4)
            {
                return d with { MemoryFraction = 0.85, MaxBatchedTokens = 16384 };
            }

            bool fourB200 = d.Cluster.Gpu == Gpu.B200 && d.Cluster.TotalGpus == 4;
            return d with { MemoryFraction = fourB200 ? 0.95 : 0.82, MaxBatchedTokens = fourB200 ? 8192 : 32768 };
        }

        private static IEnumerable<(string[] Fields, int Line)> Rows(string csv, int fields)
        {
            var lines = csv.Replace("\r", "").Split('\n');
            for (int i = 1; i < lines.Length; i++)
            {
                if (lines[i].Trim().Length == 0)
                {
                    continue;
                }

                var f = lines[i].Split(',');
                if (f.Length != fields)
                {
                    throw new FormatException($"Line {i + 1}: expected {fields} fields, got {f.Length}.");
                }

                yield return (f, i + 1);
            }
        }

        private static DeploymentSpec Deployment(string modelName, string gpuName, int gpus, int tp, int pp, Precision weights, Precision kv,
            int isl, int osl, double memoryFraction, int line)
        {
            var gpu = gpuName switch
            {
                "H200" => Gpu.H200Sxm,
                "H100" => Gpu.H100Sxm,
                "B200" => Gpu.B200,
                "GB200" => Gpu.GB200,
                "RTXPRO6000" => Gpu.RtxPro6000,
                _ => throw new FormatException($"Line {line}: unknown GPU {gpuName}."),
            };
            return new DeploymentSpec
            {
                Name = $"{modelName} {gpuName} TP{tp} PP{pp} {isl}/{osl}",
                Model = ModelByName(modelName) with { Weights = weights, KvCache = kv },
                Cluster = new ClusterSpec { Name = gpuName, Gpu = gpu, GpusPerNode = gpus, Nodes = 1 },
                InputTokens = isl,
                OutputTokens = osl,
                Engine = ServingEngine.TensorRtLlm,
                MemoryFraction = memoryFraction,
                TensorParallel = tp,
                PipelineParallel = pp,
            };
        }

        private static Precision Precisions(string text, int line) => text switch
        {
            "FP8" => Precision.Fp8,
            "FP4" => Precision.Fp4,
            "BF16" => Precision.Bf16,
            _ => throw new FormatException($"Line {line}: unknown precision {text}."),
        };

        /// <summary>The catalog model a file names; Llama 3.3 70B has Llama 3.1 70B's architecture (the B200 file says so).</summary>
        private static ModelArchitecture ModelByName(string name)
        {
            string catalogName = name switch
            {
                "Llama 3.3 70B" => "Llama 3.1 70B",
                _ => name,
            };
            foreach (var model in ModelCatalog.All)
            {
                if (model.Name == catalogName)
                {
                    return model;
                }
            }

            throw new FormatException($"Unknown model '{name}'.");
        }

        private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

        private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
