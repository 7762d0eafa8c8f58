/** What a form field's problem says, by the server's issue code (api/http/field-issues.ts); merged into i18n.ts. */
export const ko = {
  'issue.required': '입력하세요.',
  'issue.wrong_type': '형식이 맞지 않습니다.',
  'issue.too_short': '{min}자 이상이어야 합니다.',
  'issue.too_long': '{max}자 이하여야 합니다.',
  'issue.too_few': '{min}개 이상 골라야 합니다.',
  'issue.too_many': '{max}개 이하여야 합니다.',
  'issue.too_small': '{min} 이상이어야 합니다.',
  'issue.too_big': '{max} 이하여야 합니다.',
  'issue.bad_format': '형식이 올바르지 않습니다.',
  'issue.not_one_of': '고를 수 있는 값이 아닙니다.',
  'issue.unknown_keys': '알 수 없는 항목이 있습니다: {keys}',
  'issue.duplicate': '{value}이(가) 두 번 있습니다.',
  'issue.invalid': '값이 올바르지 않습니다.',
  'issue.unknown_person': '{id}은(는) 이 기관의 사람이 아닙니다.',
} as const;

export const en: Record<keyof typeof ko, string> = {
  'issue.required': 'Required.',
  'issue.wrong_type': 'Not the right kind of value.',
  'issue.too_short': 'At least {min} characters.',
  'issue.too_long': 'At most {max} characters.',
  'issue.too_few': 'Choose at least {min}.',
  'issue.too_many': 'At most {max}.',
  'issue.too_small': 'At least {min}.',
  'issue.too_big': 'At most {max}.',
  'issue.bad_format': 'Not in the expected format.',
  'issue.not_one_of': 'Not one of the allowed values.',
  'issue.unknown_keys': 'Unknown fields: {keys}',
  'issue.duplicate': '{value} is listed twice.',
  'issue.invalid': 'Not valid.',
  'issue.unknown_person': '{id} is not a person of this site.',
};
