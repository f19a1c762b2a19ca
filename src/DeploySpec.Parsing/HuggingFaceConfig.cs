using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Vocabulary;
using DeploySpec.Parsing.Json;

namespace DeploySpec.Parsing
{
    /// <summary>
    /// Reads a HuggingFace <c>config.json</c> into a <see cref="ModelArchitecture"/>. Understands the families in
    /// <see cref="SupportedModelTypes"/> (multimodal configs whose language model sits under <c>text_config</c>
    /// included), with head_dim, tie_word_embeddings, attention_bias, torch_dtype and quantization_config (fp8,
    /// mxfp4, modelopt FP8/NVFP4 with an FP8 KV cache, awq/gptq). Another model_type with the standard fields is read
    /// as a dense transformer, with a warning. Every problem names the file and the field; nothing throws.
    /// </summary>
    public static class HuggingFaceConfig
    {
        public static readonly IReadOnlyList<string> SupportedModelTypes = new[]
        {
            "llama", "mistral", "mixtral", "qwen2", "qwen3", "qwen2_moe", "qwen3_moe", "deepseek_v2", "deepseek_v3", "gpt_oss",
            "kimi_k2", "glm4_moe", "phi3", "granite", "gemma2", "gemma3", "gemma3_text", "mistral3", "qwen3_next", "nemotron_h", "llama4",
        };

        /// <summary>Families whose configs may hold the language model under <c>text_config</c> (multimodal checkpoints).</summary>
        private static readonly string[] NestingTypes = { "gemma3", "mistral3", "llama4" };

        public static ModelArchitecture? Read(string json, string file, List<string> problems) =>
            Read(json, file, problems, new List<string>());

        /// <summary>
        /// Reads <paramref name="json"/>; <paramref name="problems"/> make the model unusable, <paramref name="warnings"/>
        /// (an unknown model_type read as a dense transformer) do not.
        /// </summary>
        public static ModelArchitecture? Read(string json, string file, List<string> problems, List<string> warnings)
        {
            var root = BoundedJson.Parse(json, out var error);
            if (error is not null)
            {
                problems.Add(Format("{0} is not valid JSON: {1}", file, error));
                return null;
            }

            if (root?.AsObject is not { } top)
            {
                problems.Add(Format("{0}: the top level must be a JSON object", file));
                return null;
            }

            var topFields = new Fields(top, file, problems);
            string? type = topFields.String("model_type", required: true);
            if (type is null)
            {
                return null;
            }

            // Multimodal checkpoints: the language model's fields sit under text_config; quantization stays on top.
            var o = top;
            var fields = topFields;
            if (NestingTypes.Contains(type) && top.TryGetValue("text_config", out var nested) && nested.AsObject is { } text)
            {
                o = text;
                fields = new Fields(text, file, problems, "text_config.");
            }

            bool known = SupportedModelTypes.Contains(type);
            if (!known)
            {
                // Read as a dense transformer when the standard fields are there; a missing one is still an error.
                int before = problems.Count;
                fields.Require("num_hidden_layers", "hidden_size", "num_attention_heads", "vocab_size", "intermediate_size");
                if (problems.Count > before)
                {
                    problems.Add(Format("{0}: unknown model_type '{1}' without the fields of a dense transformer (supported: {2})", file, type, string.Join(", ", SupportedModelTypes)));
                    return null;
                }

                warnings.Add(Format("{0}: unknown model_type '{1}', read as a dense transformer from its standard fields (num_hidden_layers, hidden_size, num_attention_heads, num_key_value_heads, head_dim, intermediate_size, vocab_size); windows, experts and other layer kinds it may have are not modelled (supported: {2})",
                    file, type, string.Join(", ", SupportedModelTypes)));
            }

            bool mla = type is "deepseek_v2" or "deepseek_v3" or "kimi_k2";
            bool moe = type is "mixtral" or "qwen2_moe" or "qwen3_moe" or "gpt_oss" or "deepseek_v2" or "deepseek_v3" or "kimi_k2" or "glm4_moe" or "qwen3_next" or "llama4";

            // Every property whose config.json key(s) the vocabulary names, from the first key present.
            var model = new ModelArchitecture();
            foreach (var term in ModelVocabulary.Terms)
            {
                if (term.ConfigKeys.FirstOrDefault(fields.Has) is { } key)
                {
                    model = term.Set(model, term.Kind == ValueKind.Boolean ? fields.Bool(key) ?? false : fields.Int(key));
                }
            }

            // What each family must state, named as its files name it.
            fields.Require("num_hidden_layers", "hidden_size", "num_attention_heads", "vocab_size");
            if (!moe || mla || type is "glm4_moe" or "llama4")
            {
                fields.Require("intermediate_size");
            }

            switch (type)
            {
                case "mixtral":
                    fields.Require("num_local_experts", "num_experts_per_tok");
                    break;
                case "qwen2_moe":
                case "qwen3_moe":
                    fields.Require("num_experts", "num_experts_per_tok", "moe_intermediate_size");
                    model = SharedExpertsFromWidth(model, fields);
                    break;
                case "qwen3_next":
                    // Gated DeltaNet linear attention on all but every full_attention_interval-th layer; MoE on every layer.
                    fields.Require("num_experts", "num_experts_per_tok", "moe_intermediate_size", "full_attention_interval",
                        "linear_num_key_heads", "linear_num_value_heads", "linear_key_head_dim", "linear_value_head_dim", "linear_conv_kernel_dim");
                    model = SharedExpertsFromWidth(model, fields) with { FullAttentionInterval = fields.Int("full_attention_interval") };
                    break;

                case "deepseek_v2":
                case "deepseek_v3":
                case "kimi_k2":
                    // Multi-head latent attention: one latent per token (no KV heads); the no-rope part of a head is its dimension.
                    // Kimi K2 is DeepSeek-V3's layout with its own model_type.
                    fields.Require("n_routed_experts", "num_experts_per_tok", "moe_intermediate_size", "kv_lora_rank", "qk_rope_head_dim", "v_head_dim");
                    model = model with { KeyValueHeads = 0, HeadDim = fields.Int("qk_nope_head_dim", required: true) };
                    break;
                case "glm4_moe":
                    // DeepSeek-style MoE (first_k_dense_replace dense layers, shared experts) over grouped-query attention with biases.
                    fields.Require("n_routed_experts", "num_experts_per_tok", "moe_intermediate_size");
                    break;
                case "gpt_oss":
                {
                    fields.Require("num_local_experts", "intermediate_size");
                    if (!fields.Has("num_experts_per_tok"))
                    {
                        fields.Require("experts_per_token");
                    }

                    int window = fields.Int("sliding_window");
                    var layerTypes = fields.StringArray("layer_types");
                    int windowed = layerTypes is not null
                        ? layerTypes.Count(t => t == "sliding_attention")
                        : window > 0 ? model.Layers / 2 : 0; // the published models alternate sliding and full layers
                    model = model with { ExpertIntermediateSize = model.IntermediateSize, SlidingWindow = window, SlidingWindowLayers = windowed };
                    break;
                }

                case "gemma2":
                case "gemma3":
                case "gemma3_text":
                {
                    // Local sliding-window layers with a global one every Nth (Gemma 2: every 2nd; Gemma 3: sliding_window_pattern,
                    // or layer_types in newer files). Gemma ties its embeddings unless the file says otherwise.
                    fields.Require("sliding_window");
                    int pattern = type == "gemma2" ? 2 : fields.Int("sliding_window_pattern");
                    var layerTypes = fields.StringArray("layer_types");
                    model = model with
                    {
                        SlidingWindow = fields.Int("sliding_window"),
                        TiedEmbeddings = fields.Bool("tie_word_embeddings") ?? true,
                    };
                    model = layerTypes is not null ? Placed(model, layerTypes, "full_attention")
                        : pattern > 0 ? model with { SlidingWindowPattern = pattern }
                        : model with { SlidingWindowPattern = 6 }; // Gemma 3's published pattern when the file names none
                    break;
                }

                case "llama4":
                {
                    // Experts of intermediate_size (one shared) every interleave_moe_layer_step-th layer, dense layers of
                    // intermediate_size_mlp between them; chunked local attention on all but every 4th layer (the NoPE layers).
                    fields.Require("num_local_experts", "num_experts_per_tok", "intermediate_size_mlp");
                    int step = fields.Int("interleave_moe_layer_step");
                    int chunk = fields.Int("attention_chunk_size");
                    model = model with
                    {
                        ExpertIntermediateSize = model.IntermediateSize,
                        IntermediateSize = fields.Int("intermediate_size_mlp"),
                        SharedExperts = 1,
                        MoeLayerInterval = step > 1 ? step : 0,
                        AttentionChunkSize = chunk,
                    };
                    var noRope = fields.IntArray("no_rope_layers");
                    if (chunk > 0)
                    {
                        model = noRope is { Count: > 0 } && noRope.Count == model.Layers
                            ? Placed(model, noRope.Select(v => v == 0 ? "global" : "local").ToList(), "global")
                            : model with { SlidingWindowPattern = 4 };
                    }

                    break;
                }

                case "nemotron_h":
                {
                    // One block per layer from hybrid_override_pattern (M Mamba2, * attention, - squared-ReLU MLP); the
                    // Mamba2 state maps onto the recurrent dimensions: value heads = mamba_num_heads of mamba_head_dim,
                    // key heads = n_groups of ssm_state_size (B and C play key and query).
                    fields.Require("hybrid_override_pattern", "intermediate_size", "mamba_num_heads", "mamba_head_dim", "ssm_state_size", "n_groups", "conv_kernel");
                    model = model with
                    {
                        HybridPattern = fields.String("hybrid_override_pattern") ?? "",
                        HeadDim = fields.Has("attention_head_dim") ? fields.Int("attention_head_dim") : model.HeadDim,
                        RecurrentKeyHeads = fields.Int("n_groups"),
                        RecurrentKeyHeadDim = fields.Int("ssm_state_size"),
                        RecurrentValueHeads = fields.Int("mamba_num_heads"),
                        RecurrentValueHeadDim = fields.Int("mamba_head_dim"),
                        ConvKernel = fields.Int("conv_kernel"),
                        UngatedFfn = true,
                    };
                    break;
                }

                default:
                    // mistral, phi3 (and mistral3's text model): a sliding window, when the file sets one, on every layer.
                    if (type is "mistral" or "phi3" or "mistral3" && fields.Int("sliding_window") is > 0 and var everyLayerWindow)
                    {
                        model = model with { SlidingWindow = everyLayerWindow, SlidingWindowLayers = model.Layers };
                    }

                    break;
            }

            // Qwen2 and Qwen2-MoE always carry Q/K/V biases; the others say so in attention_bias.
            if (type is "qwen2" or "qwen2_moe")
            {
                model = model with { AttentionBias = true };
            }

            var (weights, kv) = Precisions(top, o, fields, file, problems);
            return model with { Weights = weights, KvCache = kv };
        }

        /// <summary>DeploySpec models shared experts as whole experts of the routed width (Qwen's shared_expert_intermediate_size).</summary>
        private static ModelArchitecture SharedExpertsFromWidth(ModelArchitecture model, Fields fields)
        {
            int shared = fields.Int("shared_expert_intermediate_size");
            int expertWidth = model.ExpertIntermediateSize;
            return model with { SharedExperts = expertWidth > 0 && shared > 0 ? (int)Math.Round(shared / (double)expertWidth) : 0 };
        }

        /// <summary>
        /// Local layers from a per-layer list (<paramref name="global"/> marks the layers that see the whole context):
        /// the period when the list is every Nth layer global, else the count of local layers spread evenly.
        /// </summary>
        private static ModelArchitecture Placed(ModelArchitecture model, IReadOnlyList<string> kinds, string global)
        {
            int firstGlobal = -1;
            for (int i = 0; i < kinds.Count; i++)
            {
                if (kinds[i] == global)
                {
                    firstGlobal = i;
                    break;
                }
            }

            int period = firstGlobal + 1;
            bool periodic = firstGlobal >= 0;
            for (int i = 0; i < kinds.Count && periodic; i++)
            {
                periodic = (kinds[i] == global) == ((i + 1) % period == 0);
            }

            return periodic
                ? model with { SlidingWindowPattern = period, SlidingWindowLayers = 0 }
                : model with { SlidingWindowPattern = 0, SlidingWindowLayers = kinds.Count(k => k != global) };
        }

        /// <summary>Weight and KV-cache formats from torch_dtype and quantization_config.</summary>
        private static (Precision Weights, Precision KvCache) Precisions(IReadOnlyDictionary<string, JsonValue> top, IReadOnlyDictionary<string, JsonValue> text, Fields fields, string file, List<string> problems)
        {
            var topFields = ReferenceEquals(top, text) ? fields : new Fields(top, file, problems);
            string? dtype = fields.String("torch_dtype") ?? fields.String("dtype") ?? topFields.String("torch_dtype") ?? topFields.String("dtype");
            var o = top.ContainsKey("quantization_config") || !text.ContainsKey("quantization_config") ? top : text;
            var floating = dtype switch
            {
                "float16" => Precision.Fp16,
                "float32" => Precision.Fp32,
                _ => Precision.Bf16,
            };
            var kv = floating == Precision.Fp32 ? Precision.Fp32 : floating;
            if (!o.TryGetValue("quantization_config", out var q) || q.AsObject is not { } quant)
            {
                return (floating, kv);
            }

            var qf = new Fields(quant, file, problems, "quantization_config.");
            string? method = qf.String("quant_method", required: true);
            switch (method)
            {
                case null:
                    return (floating, kv);
                case "fp8":
                case "fbgemm_fp8":
                    return (Precision.Fp8, kv);
                case "compressed-tensors":
                    return CompressedTensors(quant, floating, kv, file, problems);
                case "mxfp4":
                    return (Precision.Fp4, kv);
                case "modelopt":
                {
                    string? algo = qf.String("quant_algo", required: true);
                    var weights = algo switch
                    {
                        "FP8" => Precision.Fp8,
                        "NVFP4" => Precision.Fp4,
                        "W4A16_AWQ" or "W4A8_AWQ" => Precision.Int4,
                        "W8A16" or "W8A8_SQ_PER_CHANNEL" => Precision.Int8,
                        _ => (Precision?)null,
                    };
                    if (weights is null)
                    {
                        problems.Add(Format("{0}: quantization_config.quant_algo '{1}' is not one DeploySpec knows (FP8, NVFP4, W4A16_AWQ, W4A8_AWQ, W8A16, W8A8_SQ_PER_CHANNEL)", file, algo));
                        return (floating, kv);
                    }

                    return (weights.Value, qf.String("kv_cache_quant_algo") == "FP8" ? Precision.Fp8 : kv);
                }

                case "awq":
                case "gptq":
                {
                    int bits = qf.Int("bits", required: true);
                    if (bits is 4 or 8)
                    {
                        return (bits == 4 ? Precision.Int4 : Precision.Int8, kv);
                    }

                    problems.Add(Format("{0}: quantization_config.bits = {1}; DeploySpec knows 4 and 8", file, bits));
                    return (floating, kv);
                }

                default:
                    problems.Add(Format("{0}: quantization_config.quant_method '{1}' is not one DeploySpec knows (fp8, fbgemm_fp8, compressed-tensors, mxfp4, modelopt, awq, gptq); set Weights on [Model]", file, method));
                    return (floating, kv);
            }
        }

        /// <summary>compressed-tensors: the first config group's weight scheme, and the KV cache scheme if any.</summary>
        private static (Precision, Precision) CompressedTensors(IReadOnlyDictionary<string, JsonValue> quant, Precision floating, Precision kv, string file, List<string> problems)
        {
            static Precision? Scheme(JsonValue? scheme)
            {
                var o = scheme?.AsObject;
                if (o is null || !o.TryGetValue("num_bits", out var bits) || bits.AsNumber is not { } n)
                {
                    return null;
                }

                bool isFloat = o.TryGetValue("type", out var type) && type.AsString == "float";
                return n switch
                {
                    8 => isFloat ? Precision.Fp8 : Precision.Int8,
                    4 => isFloat ? Precision.Fp4 : Precision.Int4,
                    _ => null,
                };
            }

            Precision? weights = null;
            if (quant.TryGetValue("config_groups", out var groups) && groups.AsObject is { } g)
            {
                foreach (var name in g.Keys.OrderBy(k => k, StringComparer.Ordinal))
                {
                    if (g[name].AsObject is { } group && group.TryGetValue("weights", out var w))
                    {
                        weights = Scheme(w);
                        break;
                    }
                }
            }

            if (weights is null)
            {
                problems.Add(Format("{0}: quantization_config.config_groups has no weights scheme of 4 or 8 bits DeploySpec can read", file));
                return (floating, kv);
            }

            quant.TryGetValue("kv_cache_scheme", out var kvScheme);
            return (weights.Value, Scheme(kvScheme) ?? kv);
        }

        private static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

        /// <summary>Typed field access that records a problem naming the file and field.</summary>
        private sealed class Fields(IReadOnlyDictionary<string, JsonValue> o, string file, List<string> problems, string prefix = "")
        {
            public bool Has(string name) => o.TryGetValue(name, out var v) && !v.IsNull;

            /// <summary>Records "missing field" for each of <paramref name="names"/> that is absent.</summary>
            public void Require(params string[] names)
            {
                foreach (string name in names)
                {
                    if (!Has(name))
                    {
                        problems.Add(Format("{0}: missing field '{1}{2}'", file, prefix, name));
                    }
                }
            }

            public int Int(string name, bool required = false)
            {
                if (!o.TryGetValue(name, out var value) || value.IsNull)
                {
                    if (required)
                    {
                        problems.Add(Format("{0}: missing field '{1}{2}'", file, prefix, name));
                    }

                    return 0;
                }

                if (value.AsNumber is not { } number || number != Math.Floor(number) || number < int.MinValue || number > int.MaxValue)
                {
                    problems.Add(Format("{0}: field '{1}{2}' must be a whole number", file, prefix, name));
                    return 0;
                }

                return (int)number;
            }

            public bool? Bool(string name)
            {
                if (!o.TryGetValue(name, out var value) || value.IsNull)
                {
                    return null;
                }

                if (value.AsBoolean is { } b)
                {
                    return b;
                }

                problems.Add(Format("{0}: field '{1}{2}' must be true or false", file, prefix, name));
                return null;
            }

            public string? String(string name, bool required = false)
            {
                if (!o.TryGetValue(name, out var value) || value.IsNull)
                {
                    if (required)
                    {
                        problems.Add(Format("{0}: missing field '{1}{2}'", file, prefix, name));
                    }

                    return null;
                }

                if (value.AsString is { } s)
                {
                    return s;
                }

                problems.Add(Format("{0}: field '{1}{2}' must be a string", file, prefix, name));
                return null;
            }

            public IReadOnlyList<int>? IntArray(string name)
            {
                if (!o.TryGetValue(name, out var value) || value.IsNull)
                {
                    return null;
                }

                if (value.AsArray is { } items && items.All(i => i.AsNumber is { } n && n == Math.Floor(n) && n >= int.MinValue && n <= int.MaxValue))
                {
                    return items.Select(i => (int)i.AsNumber!.Value).ToList();
                }

                problems.Add(Format("{0}: field '{1}{2}' must be an array of whole numbers", file, prefix, name));
                return null;
            }

            public IReadOnlyList<string>? StringArray(string name)
            {
                if (!o.TryGetValue(name, out var value) || value.IsNull)
                {
                    return null;
                }

                if (value.AsArray is { } items && items.All(i => i.AsString is not null))
                {
                    return items.Select(i => i.AsString!).ToList();
                }

                problems.Add(Format("{0}: field '{1}{2}' must be an array of strings", file, prefix, name));
                return null;
            }
        }
    }
}
