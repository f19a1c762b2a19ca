using System.Globalization;
using System.Xml.Linq;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using DeploySpec.Launch;
using DeploySpec.Reporting;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace DeploySpec.Engine.Tests;

public class LaunchAndReportTests
{
    /// <summary>A deployment planned by the engine, with the facts and report its generated members would hold.</summary>
    private static (PlanningResult Result, DeploymentFacts Facts, DeploymentReport Report) Plan(DeploymentSpec spec, string checkpoint)
    {
        var result = Planner.Plan(spec);
        var facts = Facts.Of(spec) with { Checkpoint = checkpoint };
        PerformanceEstimate Estimate(PartitionPlan plan, int n) => CostEvaluator.Evaluate(result.Plans.Single(p => p.Plan.Equals(plan)).Costs, n);
        var frontier = result.Frontier.ToList();
        var report = new DeploymentReport(facts, result.Plans.Select(p => p.Plan).ToList(), Estimate, result.MinLatency!.Plan,
            result.MaxThroughput!.Plan, result.Recommended!.Plan, result.RecommendedMeetsTargets, frontier,
            result.Rejected.Select(r => new PlanRejection(r.Degrees.ToString(), r.Reason)).ToList());
        return (result, facts, report);
    }

    private static DeploymentSpec Seed(ServingEngine engine) => Calibration.CalibrationData.Seed(0, 0) with { Engine = engine, MemoryFraction = 0 };

    private static PartitionPlan PlanOf(PlanningResult result, int tp, int pp, int dp = 1, int ep = 1) =>
        result.Plans.Single(p => p.Mode == ServingMode.Aggregated && p.Pool.Degrees == new Degrees(tp, pp, dp, ep)).Plan;

    /// <summary>Llama 3.1 70B FP8 on 8 x H100, served disaggregated: each engine's two server roles and its router.</summary>
    private static (DeploymentFacts Facts, PartitionPlan Plan) Disaggregated(ServingEngine engine)
    {
        var spec = MemoryModelTests.On(ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H100Sxm, 8, engine: engine)
            with { InputTokens = 4096, OutputTokens = 512, Mode = ServingMode.Disaggregated };
        var (result, facts, _) = Plan(spec, "meta-llama/Llama-3.1-70B-Instruct");
        Assert.All(result.Plans, p => Assert.Equal(ServingMode.Disaggregated, p.Mode));
        return (facts, result.Plans.First(p => p.Prefill!.Degrees.TensorParallel != p.Pool.Degrees.TensorParallel).Plan);
    }

    [Fact]
    public void A_disaggregated_plan_launches_prefill_servers_decode_servers_and_a_router_on_each_engine()
    {
        var (facts, plan) = Disaggregated(ServingEngine.Vllm);
        var vllm = EngineLaunch.Vllm(facts, plan);
        Assert.Equal(3, vllm.Commands.Count);
        Assert.Contains("--tensor-parallel-size " + plan.Prefill!.TensorParallel.ToString(CultureInfo.InvariantCulture), vllm.Commands[0]);
        Assert.Contains("--tensor-parallel-size " + plan.Pool.TensorParallel.ToString(CultureInfo.InvariantCulture), vllm.Commands[1]);
        Assert.All(vllm.Commands.Take(2), c => Assert.EndsWith("--kv-transfer-config '{\"kv_connector\":\"NixlConnector\",\"kv_role\":\"kv_both\"}'", c));
        Assert.Contains("--port 8100", vllm.Commands[0]);
        Assert.Contains("--port 8200", vllm.Commands[1]);
        Assert.Equal("python3 toy_proxy_server.py --port 8000 --prefiller-hosts $PREFILL_ADDRESS --prefiller-ports 8100 --decoder-hosts $DECODE_ADDRESS --decoder-ports 8200", vllm.Commands[2]);

        (facts, plan) = Disaggregated(ServingEngine.Sglang);
        var sglang = EngineLaunch.Sglang(facts, plan);
        Assert.EndsWith("--disaggregation-mode prefill --disaggregation-transfer-backend mooncake", sglang.Commands[0]);
        Assert.EndsWith("--disaggregation-mode decode --disaggregation-transfer-backend mooncake", sglang.Commands[1]);
        Assert.StartsWith("python3 -m sglang_router.launch_router --pd-disaggregation --prefill http://$PREFILL_ADDRESS:8100 --decode http://$DECODE_ADDRESS:8200", sglang.Commands[2]);

        (facts, plan) = Disaggregated(ServingEngine.TensorRtLlm);
        var trt = EngineLaunch.TensorRtLlm(facts, plan);
        Assert.Equal(new[] { "context-extra-llm-api-options.yaml", "disagg_config.yaml", "gen-extra-llm-api-options.yaml" }, trt.Files.Keys);
        Assert.Contains("disable_overlap_scheduler: true", trt.Files["context-extra-llm-api-options.yaml"]);
        Assert.DoesNotContain("disable_overlap_scheduler", trt.Files["gen-extra-llm-api-options.yaml"]);
        Assert.Equal("trtllm-serve disaggregated -c disagg_config.yaml", trt.Commands[^1]);
        foreach (var file in trt.Files.Values)
        {
            new YamlStream().Load(new System.IO.StringReader(file)); // every file is YAML
        }
    }

    [Fact]
    public void The_report_states_the_targets_statistic_and_gives_each_plans_goodput()
    {
        var spec = Seed(ServingEngine.Vllm) with { MaxTimeToFirstTokenMs = 2000, MaxTimePerOutputTokenMs = 50, TargetStatistic = LatencyStatistic.P99 };
        var (result, _, report) = Plan(spec, "x");
        string md = report.ToMarkdown();
        Assert.Contains("Targets: P99 TTFT <= 2000.0 ms, P99 TPOT <= 50.0 ms.", md);
        Assert.Contains("with its P99 TTFT and TPOT within the targets, in requests/s", md);
        Assert.Contains("| $/Mtok @max | goodput req/s | band |", md);
        foreach (var plan in result.Plans)
        {
            Assert.Contains(" | " + DeploymentReport.Goodput(plan.Plan) + " | \u00b1", md);
        }

        Assert.Contains(result.Plans, p => p.GoodputRequestsPerSecond > 0);
        Assert.Contains("Targets: TTFT <= 2000.0 ms", Plan(spec with { TargetStatistic = LatencyStatistic.Mean }, "x").Report.ToMarkdown());
    }

    [Fact]
    public void Vllm_command_uses_vllms_flags_and_the_plans_memory_setting()
    {
        var (result, facts, _) = Plan(Seed(ServingEngine.Vllm), "meta-llama/Llama-3.1-405B-Instruct-FP8");
        var plan = PlanOf(result, 8, 1);
        var launch = EngineLaunch.Vllm(facts, plan);
        Assert.Equal(
            "vllm serve meta-llama/Llama-3.1-405B-Instruct-FP8 --tensor-parallel-size 8 --pipeline-parallel-size 1 --max-model-len 2176 " +
            "--gpu-memory-utilization 0.9 --kv-cache-dtype fp8 --max-num-seqs 1024 --host 0.0.0.0 --port 8000",
            Assert.Single(launch.Commands));
        Assert.Equal(0.9, plan.Pool.EngineMemoryFraction);
    }

    [Fact]
    public void A_token_budget_reaches_each_engines_own_flag()
    {
        foreach (var (engine, flag, batch) in new[]
                 {
                     (ServingEngine.Vllm, "--max-num-batched-tokens 4096", "--max-num-seqs 1024"),
                     (ServingEngine.TensorRtLlm, "--max_num_tokens 4096", "--max_batch_size 2048"),
                     (ServingEngine.Sglang, "--chunked-prefill-size 4096", "--max-running-requests 1024"),
                 })
        {
            var (result, facts, _) = Plan(Seed(engine) with { MaxBatchedTokens = 4096 }, "x");
            Assert.Equal(4096, facts.MaxBatchedTokens);
            Assert.Contains("per replica and 4096 tokens per iteration.", Plan(Seed(engine) with { MaxBatchedTokens = 4096 }, "x").Report.ToMarkdown());
            string command = Assert.Single(EngineLaunch.For(engine, facts, PlanOf(result, 8, 1)).Commands);
            Assert.Contains(" " + flag + " ", command + " ");
            Assert.Contains(" " + batch + " ", command + " ");

            // The engine's default budget (8192 on the seed's H200 for all three): vLLM's command leaves it out; TensorRT-LLM's
            // names it (trtllm-serve's own default is 8192 too), and SGLang's, whose default depends on the GPU's memory.
            var (plain, plainFacts, _) = Plan(Seed(engine), "x");
            string defaultCommand = Assert.Single(EngineLaunch.For(engine, plainFacts, PlanOf(plain, 8, 1)).Commands);
            Assert.Equal(engine != ServingEngine.Vllm, defaultCommand.Contains(flag.Split(' ')[0] + " 8192", StringComparison.Ordinal));
            Assert.DoesNotContain("4096", defaultCommand, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_safety_margin_lowers_the_engine_memory_setting_by_the_margin()
    {
        var (result, _, _) = Plan(Seed(ServingEngine.Vllm) with { SafetyMarginGiB = 2 }, "x");
        double capacity = GpuCatalog.Get(Gpu.H200Sxm).MemoryBytes;
        Assert.Equal(Math.Round(0.9 - 2 * Units.BytesPerGiB / capacity, 4), PlanOf(result, 8, 1).Pool.EngineMemoryFraction);
    }

    [Fact]
    public void TensorRtLlm_command_and_its_yaml_use_trtllm_serve_names()
    {
        var (result, facts, _) = Plan(Seed(ServingEngine.TensorRtLlm), "nvidia/Llama-3.1-405B-Instruct-FP8");
        var plan = PlanOf(result, 8, 1);
        var launch = EngineLaunch.TensorRtLlm(facts, plan);
        string command = Assert.Single(launch.Commands);
        string fraction = plan.Pool.EngineMemoryFraction.ToString("0.####", CultureInfo.InvariantCulture);
        Assert.Equal(
            "trtllm-serve nvidia/Llama-3.1-405B-Instruct-FP8 --backend pytorch --tp_size 8 --pp_size 1 --max_batch_size 2048 --max_num_tokens 8192 " +
            $"--max_seq_len 2176 --kv_cache_free_gpu_memory_fraction {fraction} --host 0.0.0.0 --port 8000 --extra_llm_api_options extra-llm-api-options.yaml",
            command);
        var yaml = Yaml(launch.Files["extra-llm-api-options.yaml"]);
        Assert.Equal("fp8", Scalar(yaml, "kv_cache_config", "dtype"));
        Assert.Equal(fraction, Scalar(yaml, "kv_cache_config", "free_gpu_memory_fraction"));
        Assert.Equal("true", Scalar(yaml, "cuda_graph_config", "enable_padding"));
    }

    [Fact]
    public void Sglang_command_uses_sglang_flags_and_its_fp8_kv_name()
    {
        var (result, facts, _) = Plan(Seed(ServingEngine.Sglang), "meta-llama/Llama-3.1-405B-Instruct-FP8");
        var plan = PlanOf(result, 8, 1);
        string command = Assert.Single(EngineLaunch.Sglang(facts, plan).Commands);
        Assert.StartsWith("python3 -m sglang.launch_server --model-path meta-llama/Llama-3.1-405B-Instruct-FP8 --tp-size 8 --pp-size 1 --context-length 2176 --mem-fraction-static ", command);
        Assert.Contains("--kv-cache-dtype fp8_e4m3 --max-running-requests 1024 --chunked-prefill-size 8192 --host 0.0.0.0 --port 8000", command);
    }

    [Fact]
    public void A_replica_across_nodes_gets_per_node_commands_and_a_leader_worker_set()
    {
        var spec = MemoryModelTests.On(ModelCatalog.Llama31_405B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H100Sxm, 8, nodes: 2)
            with { TensorParallel = 8, PipelineParallel = 2 };
        var (result, facts, _) = Plan(spec, "meta-llama/Llama-3.1-405B-Instruct-FP8");
        var plan = result.Plans.Single().Plan;
        var launch = EngineLaunch.Vllm(facts, plan);
        Assert.Equal(2, launch.Commands.Count);
        Assert.Contains("--nnodes 2 --node-rank 0 --master-addr $LEADER_ADDRESS", launch.Commands[0]);
        Assert.EndsWith("--port 8000", launch.Commands[0]);
        Assert.Contains("--nnodes 2 --node-rank 1 --master-addr $LEADER_ADDRESS", launch.Commands[1]);
        Assert.EndsWith("--headless", launch.Commands[1]);

        var lws = Yaml(EngineLaunch.LeaderWorkerSet(ServingEngine.Vllm, facts, plan));
        Assert.Equal("leaderworkerset.x-k8s.io/v1", Scalar(lws, "apiVersion"));
        Assert.Equal("LeaderWorkerSet", Scalar(lws, "kind"));
        Assert.Equal("1", Scalar(lws, "spec", "replicas"));
        Assert.Equal("2", Scalar(lws, "spec", "leaderWorkerTemplate", "size"));
        var worker = (YamlMappingNode)((YamlSequenceNode)Node(lws, "spec", "leaderWorkerTemplate", "workerTemplate", "spec", "containers"))[0];
        Assert.Equal("8", ((YamlScalarNode)Node(worker, "resources", "limits", "nvidia.com/gpu")).Value);
        string args = ((YamlScalarNode)((YamlSequenceNode)Node(worker, "args"))[0]).Value!;
        Assert.Contains("--node-rank $(LWS_WORKER_INDEX) --master-addr $(LWS_LEADER_ADDRESS)", args);
        Assert.Throws<NotSupportedException>(() => EngineLaunch.LeaderWorkerSet(ServingEngine.TensorRtLlm, facts, plan));
    }

    [Fact]
    public void A_plan_sized_for_another_engine_leaves_the_memory_setting_out_and_says_why()
    {
        var (result, facts, _) = Plan(Seed(ServingEngine.Vllm), "model dir/with space");
        var launch = EngineLaunch.Sglang(facts, PlanOf(result, 8, 1));
        Assert.DoesNotContain("--mem-fraction-static", launch.Commands[0]);
        Assert.Contains("--model-path 'model dir/with space'", launch.Commands[0]);
        Assert.Contains(launch.Notes, n => n.Contains("sized for vLLM's memory policy"));
    }

    [Fact]
    public void Markdown_report_lists_every_plan_rejection_and_frontier_point()
    {
        var (result, _, report) = Plan(Seed(ServingEngine.Vllm), "x");
        string md = report.ToMarkdown();
        Assert.StartsWith("# Deployment Seed\n", md);
        foreach (var plan in result.Plans)
        {
            Assert.Contains("| " + plan.Plan, md);
        }

        foreach (var rejected in result.Rejected)
        {
            Assert.Contains("| " + rejected.Degrees + " | ", md);
        }

        Assert.Contains("- **Min latency: TP8 x PP1 x DP1**", md);
        string frontier = md.Substring(md.IndexOf("## Pareto frontier", StringComparison.Ordinal));
        Assert.Equal(result.Frontier.Count, frontier.Split('\n').Count(l => l.StartsWith("| TP", StringComparison.Ordinal) || l.StartsWith("| prefill TP", StringComparison.Ordinal)));
        // Both serving modes have plans here: the report says which wins, and lists each disaggregated plan's pools.
        Assert.Contains(result.Plans, p => p.Mode == ServingMode.Disaggregated);
        Assert.Contains("## Aggregated and disaggregated", md);
        Assert.Contains(result.Recommended!.Mode == ServingMode.Aggregated ? "**Aggregated wins**" : "**Disaggregated wins**", md);
    }

    [Fact]
    public void Svg_chart_is_well_formed_deterministic_and_culture_invariant()
    {
        var (result, _, report) = Plan(Seed(ServingEngine.Vllm), "x");
        string svg = report.ToSvg();
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(result.Plans.Count + 1, doc.Descendants(ns + "polyline").Count()); // one sweep per plan and the frontier
        Assert.Contains("min latency: TP8 x PP1 x DP1 @1", svg);

        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(svg, report.ToSvg());
            Assert.Equal(report.ToMarkdown(), Plan(Seed(ServingEngine.Vllm), "x").Report.ToMarkdown());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static YamlMappingNode Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new System.IO.StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode Node(YamlNode root, params string[] path)
    {
        var node = root;
        foreach (string key in path)
        {
            node = ((YamlMappingNode)node)[new YamlScalarNode(key)];
        }

        return node;
    }

    private static string? Scalar(YamlNode root, params string[] path) => ((YamlScalarNode)Node(root, path)).Value;

    [Fact]
    public void Speculative_decoding_reaches_each_engines_flags_and_the_report_header()
    {
        var eagle = Seed(ServingEngine.Vllm) with { Speculation = Speculation.Eagle3 };
        var (result, facts, report) = Plan(eagle, "meta-llama/Llama-3.1-405B-Instruct-FP8");
        var plan = PlanOf(result, 8, 1);
        var vllm = EngineLaunch.Vllm(facts, plan);
        Assert.Contains("--speculative-config '{\"method\":\"eagle3\",\"model\":\"/path/to/eagle3-draft\",\"num_speculative_tokens\":3}'", Assert.Single(vllm.Commands));
        Assert.Contains(vllm.Notes, n => n.Contains("replace /path/to/eagle3-draft", StringComparison.Ordinal));
        Assert.Contains("--speculative-algorithm EAGLE3 --speculative-draft-model-path /path/to/eagle3-draft --speculative-num-steps 3 --speculative-eagle-topk 1 --speculative-num-draft-tokens 4",
            Assert.Single(EngineLaunch.Sglang(facts, plan).Commands));
        var yaml = Yaml(EngineLaunch.TensorRtLlm(facts, plan).Files["extra-llm-api-options.yaml"]);
        Assert.Equal("Eagle3", Scalar(yaml, "speculative_config", "decoding_type"));
        Assert.Equal("3", Scalar(yaml, "speculative_config", "max_draft_len"));
        Assert.Contains("Speculative decoding: Eagle3, 3 draft tokens per verify step, acceptance 0.80 per token, 2.95 tokens per verify step expected", report.ToMarkdown());

        var mtpFacts = Facts.Of(MemoryModelTests.On(ModelCatalog.DeepSeekV3, Gpu.H200Sxm, 8, 2) with { Speculation = Speculation.Mtp, SpeculativeTokens = 1 });
        var mtpPlan = new PartitionPlan(new ServingPool(16, 1, 1, 16, new MemoryPerGpu(0, 0, 0, 0, 0), 1, 0.9));
        Assert.Contains("'{\"method\":\"mtp\",\"num_speculative_tokens\":1}'", EngineLaunch.Vllm(mtpFacts, mtpPlan).Commands[0]);
        Assert.Contains("--speculative-algorithm NEXTN --speculative-num-steps 1", EngineLaunch.Sglang(mtpFacts, mtpPlan).Commands[0]);
        var mtpYaml = Yaml(EngineLaunch.TensorRtLlm(mtpFacts, mtpPlan).Files["extra-llm-api-options.yaml"]);
        Assert.Equal("MTP", Scalar(mtpYaml, "speculative_config", "decoding_type"));
        Assert.Equal("1", Scalar(mtpYaml, "speculative_config", "num_nextn_predict_layers"));

        var draftFacts = Facts.Of(eagle with { Speculation = Speculation.DraftModel, Draft = ModelCatalog.Llama31_8B with { Checkpoint = "meta-llama/Llama-3.1-8B-Instruct" } });
        Assert.Contains("\"method\":\"draft_model\",\"model\":\"meta-llama/Llama-3.1-8B-Instruct\"", EngineLaunch.Vllm(draftFacts, plan).Commands[0]);
        Assert.Contains("--speculative-algorithm STANDALONE --speculative-draft-model-path meta-llama/Llama-3.1-8B-Instruct", EngineLaunch.Sglang(draftFacts, plan).Commands[0]);
    }
}
