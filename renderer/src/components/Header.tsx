export function Header() {
  return (
    <header className="govuk-header" data-module="govuk-header">
      <div className="govuk-header__container govuk-width-container">
        <span className="cp-header__service">ContactPoint</span>
      </div>
    </header>
  );
}
