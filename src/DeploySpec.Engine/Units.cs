namespace DeploySpec.Engine
{
    /// <summary>Unit constants. GB = 10^9 bytes (datasheets), GiB = 2^30 bytes (what CUDA and engines report).</summary>
    public static class Units
    {
        public const double BytesPerGB = 1e9;
        /// <summary>Bytes in one GiB (2^30): the one definition is the public record's.</summary>
        public const double BytesPerGiB = MemoryPerGpu.BytesPerGiB;
        public const double BytesPerMiB = 1024d * 1024d;
        public const double FlopsPerTflops = 1e12;
        public const double SecondsPerMicrosecond = 1e-6;
        public const double MillisecondsPerSecond = 1e3;

        /// <summary>
        /// Requests per replica times replicas, saturated at int.MaxValue: with up to 16.7 million GPUs and a
        /// batch limit of a million the product exceeds an int, and no deployment holds more requests than that.
        /// </summary>
        public static int Requests(int perReplica, int replicas) => (int)System.Math.Min(int.MaxValue, (long)perReplica * replicas);

        /// <summary>Bytes one element occupies, block scales of the quantised formats included.</summary>
        public static double BytesPerElement(Precision precision) => precision switch
        {
            Precision.Fp32 => 4.0,
            Precision.Bf16 => 2.0,
            Precision.Fp16 => 2.0,
            Precision.Fp8 => 1.0,
            Precision.Int8 => 1.0,
            // 4-bit values plus one 16-bit scale per group of 128 (AWQ/GPTQ layout).
            Precision.Int4 => 0.5 + 2.0 / 128.0,
            // 4-bit values plus one 8-bit E8M0 scale per block of 32 (MXFP4, the OCP microscaling format).
            Precision.Fp4 => 0.5 + 1.0 / 32.0,
            _ => 2.0,
        };

        /// <summary>True for formats of 8 bits or fewer (quantised checkpoints keep embeddings, LM head and norms in 16 bits).</summary>
        public static bool IsQuantized(Precision precision) => BytesPerElement(precision) <= 1.0 + 1e-9;
    }
}
