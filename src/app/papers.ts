/**
 * The papers the workbench implements (and Madry et al.'s, whose PGD attack and adversarial
 * training the first lesson teaches), named by title and authors with a link, for every place in
 * the page that mentions one (view introductions, lessons, the footer). `short` is the form used
 * inside sentences.
 */
export type PaperId = 'rr' | 'era' | 'catrs' | 'rejection' | 'abstain' | 'cohen' | 'madry';

export interface Paper {
  id: PaperId;
  title: string;
  authors: string;
  venue: string;
  url: string;
  /** "Pang et al. 2022": for sentences and labels. */
  short: string;
  /** What the workbench takes from it. */
  gives: string;
}

export const PAPERS: Record<PaperId, Paper> = {
  rr: {
    id: 'rr',
    title: 'Two Coupled Rejection Metrics Can Tell Adversarial Examples Apart',
    authors: 'Tianyu Pang, Huishuai Zhang, Di He, Yinpeng Dong, Hang Su, Wei Chen, Jun Zhu, Tie-Yan Liu',
    venue: 'CVPR 2022',
    url: 'https://arxiv.org/abs/2105.14785',
    short: 'Pang et al. 2022',
    gives: 'Rectified Rejection: the R-Con score and coupled rejection',
  },
  era: {
    id: 'era',
    title: 'Avoiding Robust Misclassifications for Improved Robustness without Accuracy Loss',
    authors: 'Yannick Merkli, Pavol Bielik, Petar Tsankov, Martin Vechev',
    venue: '2021',
    url: 'https://github.com/ymerkli/robust-abstain',
    short: 'Merkli et al. 2021',
    gives: 'robust inaccuracy, the 4-way split, ERA and the robustness-indicator selector',
  },
  catrs: {
    id: 'catrs',
    title: 'Confidence-Aware Training of Smoothed Classifiers for Certified Robustness',
    authors: 'Jongheon Jeong, Seojin Kim, Jinwoo Shin',
    venue: 'AAAI 2023',
    url: 'https://arxiv.org/abs/2212.09000',
    short: 'Jeong et al. 2023',
    gives: 'CAT-RS training of smoothed classifiers',
  },
  rejection: {
    id: 'rejection',
    title: 'Denoised Smoothing with Sample Rejection for Robustifying Pretrained Classifiers',
    authors: 'Fatemeh Sheikholeslami, Wan-Yi Lin, Jan Hendrik Metzen, Huan Zhang, J. Zico Kolter',
    venue: 'NeurIPS 2022 workshop',
    url: 'https://openreview.net/forum?id=i1lF1WqMw3j',
    short: 'Sheikholeslami et al. 2022',
    gives: 'sample rejection in randomized smoothing',
  },
  abstain: {
    id: 'abstain',
    title: 'Improving Adversarial Robustness via Joint Classification and Multiple Explicit Detection Classes',
    authors: 'Sina Baharlouei, Fatemeh Sheikholeslami, Meisam Razaviyayn, J. Zico Kolter',
    venue: 'AISTATS 2023',
    url: 'https://arxiv.org/abs/2210.14410',
    short: 'Baharlouei et al. 2023',
    gives: 'multiple abstain classes, verified with interval bounds',
  },
  cohen: {
    id: 'cohen',
    title: 'Certified Adversarial Robustness via Randomized Smoothing',
    authors: 'Jeremy Cohen, Elan Rosenfeld, J. Zico Kolter',
    venue: 'ICML 2019',
    url: 'https://arxiv.org/abs/1902.02918',
    short: 'Cohen et al. 2019',
    gives: 'randomized smoothing: PREDICT, CERTIFY and the certified radius',
  },
  madry: {
    id: 'madry',
    title: 'Towards Deep Learning Models Resistant to Adversarial Attacks',
    authors: 'Aleksander Madry, Aleksandar Makelov, Ludwig Schmidt, Dimitris Tsipras, Adrian Vladu',
    venue: 'ICLR 2018',
    url: 'https://arxiv.org/abs/1706.06083',
    short: 'Madry et al. 2018',
    gives: 'the PGD attack and adversarial training',
  },
};
