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
    /// Reads a HuggingFace <c>config.json</c> into a <see cref="ModelArchitecture"/>. Understands llama, mistral,
    /// mixtral, qwen2, qwen3, qwen2_moe, qwen3_moe, deepseek_v2, deepseek_v3 and gpt_oss, with head_dim,
    /// tie_word_embeddings, attention_bias, torch_dtype and quantization_config (fp8, mxfp4, modelopt FP8/NVFP4 with
    /// an FP8 KV cache, awq/gptq). Every problem names the file and the field; nothing throws.
    /// </summary>
    public static class HuggingFaceConfig
    {
        public static readonly IReadOnlyList<string> SupportedModelTypes = new[]
        {
            "llama", "mistral", "mixtral", "qwen2", "qwen3", "qwen2_moe", "qwen3_moe", "deepseek_v2", "deepseek_v3", "gpt_oss",
        };

        public static ModelArchitecture? Read(string json, string file, List<string> problems)
        {
            var root = BoundedJson.Parse(json, out var error);
            if (error is not null)
            {
                problems.Add(Format("{0} is not valid JSON: {1}", file, error));
                return null;
            }

            if (root?.AsObject is not { } o)
            {
                problems.Add(Format("{0}: the top level must be a JSON object", file));
                return null;
            }

            var fields = new Fields(o, file, problems);
            string? type = fields.String("model_type", required: true);
            if (type is null)
            {
                return null;
            }

            if (!SupportedModelTypes.Contains(type))
            {
                problems.Add(Format("{0}: unknown model_type '{1}' (supported: {2})", file, type, string.Join(", ", SupportedModelTypes)));
                return null;
            }

            bool mla = type is "deepseek_v2" or "deepseek_v3";
            bool moe = type is "mixtral" or "qwen2_moe" or "qwen3_moe" or "gpt_oss" or "deepseek_v2" or "deepseek_v3";

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
            if (!moe || mla)
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
                {
                    fields.Require("num_experts", "num_experts_per_tok", "moe_intermediate_size");
                    // DeploySpec models shared experts as whole experts of the routed width.
                    int shared = fields.Int("shared_expert_intermediate_size");
                    int expertWidth = model.ExpertIntermediateSize;
                    model = model with { SharedExperts = expertWidth > 0 && shared > 0 ? (int)Math.Round(shared / (double)expertWidth) : 0 };
                    break;
                }

                case "deepseek_v2":
                case "deepseek_v3":
                    // Multi-head latent attention: one latent per token (no KV heads); the no-rope part of a head is its dimension.
                    fields.Require("n_routed_experts", "num_experts_per_tok", "moe_intermediate_size", "kv_lora_rank", "qk_rope_head_dim", "v_head_dim");
                    model = model with { KeyValueHeads = 0, HeadDim = fields.Int("qk_nope_head_dim", required: true) };
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

                default:
                    if (type is "mistral" && fields.Int("sliding_window") is > 0 and var mistralWindow)
                    {
                        model = model with { SlidingWindow = mistralWindow, SlidingWindowLayers = model.Layers };
                    }

                    break;
            }

            // Qwen2 and Qwen2-MoE always carry Q/K/V biases; the others say so in attention_bias.
            if (type is "qwen2" or "qwen2_moe")
            {
                model = model with { AttentionBias = true };
            }

            var (weights, kv) = Precisions(o, fields, file, problems);
            return model with { Weights = weights, KvCache = kv };
        }

        /// <summary>Weight and KV-cache formats from torch_dtype and quantization_config.</summary>
        private static (Precision Weights, Precision KvCache) Precisions(IReadOnlyDictionary<string, JsonValue> o, Fields fields, string file, List<string> problems)
        {
            string? dtype = fields.String("torch_dtype") ?? fields.String("dtype");
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
