using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Calibration
{
    /// <summary>One measured run: a deployment pinned to one plan and the throughput it reached.</summary>
    public sealed record CalibrationPoint(string Label, DeploymentSpec Deployment, double MeasuredOutputTokensPerSecond);

    /// <summary>
    /// The measurements the cost model may be fitted to, and nothing else (docs/calibration.md):
    /// TensorRT-LLM 0.17 trtllm-bench offline max-throughput runs (FP8 weights and KV, KV fraction 0.95), and the
    /// seed scenario's published ratios for Llama 3.1 405B on one HGX H200.
    /// </summary>
    public static class CalibrationData
    {
        public const string ResourceName = "DeploySpec.Calibration.trtllm-offline-max-throughput.csv";

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

        /// <summary>The rows of trtllm-offline-max-throughput.csv, embedded in this assembly.</summary>
        public static IReadOnlyList<CalibrationPoint> TrtLlmOfflineMaxThroughput()
        {
            using var stream = typeof(CalibrationData).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException("Calibration data is missing from the assembly.");
            using var reader = new StreamReader(stream);
            return Parse(reader.ReadToEnd());
        }

        /// <summary>Parses the CSV (header: model,gpu,gpus,tp,pp,precision,isl,osl,output_tokens_per_s).</summary>
        public static IReadOnlyList<CalibrationPoint> Parse(string csv)
        {
            var points = new List<CalibrationPoint>();
            var lines = csv.Replace("\r", "").Split('\n');
            for (int i = 1; i < lines.Length; i++)
            {
                if (lines[i].Trim().Length == 0)
                {
                    continue;
                }

                var f = lines[i].Split(',');
                if (f.Length != 9)
                {
                    throw new FormatException($"Line {i + 1}: expected 9 fields, got {f.Length}.");
                }

                var model = ModelByName(f[0]);
                var precision = f[5] == "FP8" ? Precision.Fp8 : throw new FormatException($"Line {i + 1}: unknown precision {f[5]}.");
                var gpu = f[1] switch
                {
                    "H200" => Gpu.H200Sxm,
                    "H100" => Gpu.H100Sxm,
                    _ => throw new FormatException($"Line {i + 1}: unknown GPU {f[1]}."),
                };
                int gpus = Int(f[2]), tp = Int(f[3]), pp = Int(f[4]), isl = Int(f[6]), osl = Int(f[7]);
                double measured = double.Parse(f[8], NumberStyles.Float, CultureInfo.InvariantCulture);
                var deployment = new DeploymentSpec
                {
                    Name = $"{f[0]} {f[1]} TP{tp} PP{pp} {isl}/{osl}",
                    Model = model with { Weights = precision, KvCache = precision },
                    Cluster = new ClusterSpec { Name = f[1], Gpu = gpu, GpusPerNode = gpus, Nodes = 1 },
                    InputTokens = isl,
                    OutputTokens = osl,
                    Engine = ServingEngine.TensorRtLlm,
                    MemoryFraction = 0.95,
                    TensorParallel = tp,
                    PipelineParallel = pp,
                };
                points.Add(new CalibrationPoint(deployment.Name, deployment, measured));
            }

            return points;
        }

        private static ModelArchitecture ModelByName(string name)
        {
            foreach (var model in ModelCatalog.All)
            {
                if (model.Name == name)
                {
                    return model;
                }
            }

            throw new FormatException($"Unknown model '{name}'.");
        }

        private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }
}
