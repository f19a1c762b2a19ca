using System;

namespace DeploySpec.Engine.Models
{
    /// <summary>
    /// How layers are split over pipeline stages, as vLLM's get_pp_indices does: L / PP each, the remainder given
    /// one layer at a time to the stages before the last (the first and last carry the embedding and LM head).
    /// </summary>
    public sealed class StageLayout
    {
        private readonly int[] _first;
        private readonly int[] _count;

        private StageLayout(int[] first, int[] count)
        {
            _first = first;
            _count = count;
        }

        public int Stages => _count.Length;

        public int FirstLayer(int stage) => _first[stage];

        public int LayerCount(int stage) => _count[stage];

        /// <summary>Most layers on any stage.</summary>
        public int MaxLayers
        {
            get
            {
                int max = 0;
                foreach (int c in _count)
                {
                    max = Math.Max(max, c);
                }

                return max;
            }
        }

        /// <summary>The sum of <paramref name="perLayer"/> over the layers of <paramref name="stage"/>, in layer order.</summary>
        public double Sum(ModelArchitecture model, int stage, Func<Layer, double> perLayer)
        {
            double sum = 0;
            for (int i = _first[stage]; i < _first[stage] + _count[stage]; i++)
            {
                sum += perLayer(Layer.Of(model, i));
            }

            return sum;
        }

        /// <summary>True when every stage has the same number of layers.</summary>
        public bool IsEven => MaxLayers * Stages == _first[Stages - 1] + _count[Stages - 1];

        public static StageLayout Create(int layers, int stages)
        {
            if (stages < 1 || stages > layers)
            {
                throw new ArgumentOutOfRangeException(nameof(stages), stages, "Stages must be between 1 and the layer count.");
            }

            var count = new int[stages];
            for (int s = 0; s < stages; s++)
            {
                count[s] = layers / stages;
            }

            int remaining = layers % stages;
            for (int i = 2; i < remaining + 2; i++)
            {
                count[(stages - i + stages) % stages]++;
            }

            var first = new int[stages];
            for (int s = 1; s < stages; s++)
            {
                first[s] = first[s - 1] + count[s - 1];
            }

            return new StageLayout(first, count);
        }
    }
}
